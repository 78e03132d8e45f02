import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { tempDir } from '../helpers.ts';
import { parley } from './command.ts';

/** `parley amend` and `parley consolidate` on the Geneva demo, each as one account (`--as`). */
describe('parley amend and parley consolidate', () => {
  let db: string;
  before(() => {
    db = join(tempDir(), 'amend.db');
    const loaded = parley(['demo', '--db', db]);
    assert.equal(loaded.code, 0, loaded.stderr);
  });
  const run = (...args: string[]) => parley([...args, '--db', db]);

  test('a Russian member does not see Ukraine’s amendments tabled to the mediators; a Ukrainian member does', () => {
    const asRussia = run('amend', 'list', 'v-table-28', '--as', 'medinsky@demo.parley', '--json');
    assert.equal(asRussia.code, 0, asRussia.stderr);
    const seen = (JSON.parse(asRussia.stdout) as { id: string; partyId: string }[]).map((a) => a.id);
    assert.ok(seen.includes('am-e3-army'), 'the E3 tabled theirs to the table');
    assert.ok(!seen.some((id) => id.startsWith('am-ua-')), `Russia sees no Ukrainian amendment: ${seen.join(', ')}`);
    const words = run('amend', 'list', 'v-table-28', '--as', 'ru@demo.parley');
    assert.doesNotMatch(words.stdout, /Ukraine:|deported|martial law/);

    const asUkraine = run('amend', 'list', 'v-table-28', '--as', 'kyslytsya@demo.parley');
    assert.equal(asUkraine.code, 0, asUkraine.stderr);
    assert.match(
      asUkraine.stdout,
      /am-ua-elections {2}tabled \(tabled to the mediators\) {2}Ukraine: replace “within 100 days”/,
    );
    assert.match(asUkraine.stdout, /am-e3-army {2}tabled \(tabled to the table\)/);
  });

  test('propose, table (the lead, not a negotiator), decide and consolidate make the next version', () => {
    const change = JSON.stringify({
      kind: 'replace',
      pointId: 'pt-23',
      field: 'text',
      start: 0,
      end: 14,
      quote: 'Ukraine keeps ',
      text: 'Ukraine keeps full ',
    });
    const proposed = run(
      ...['amend', 'propose', 'v-table-28', '--change', change, '--justification', 'Navigation in full'],
      ...['--as', 'umerov@demo.parley', '--json'],
    );
    assert.equal(proposed.code, 0, proposed.stderr);
    const { id, state } = JSON.parse(proposed.stdout) as { id: string; state: string };
    assert.equal(state, 'draft');

    const byNegotiator = run('amend', 'table', id, '--to', 'mediators', '--as', 'umerov@demo.parley');
    assert.equal(byNegotiator.code, 1);
    assert.match(byNegotiator.stderr, /principal or (the )?lead of Ukraine/);
    const byLead = run('amend', 'table', id, '--to', 'mediators', '--as', 'ua@demo.parley');
    assert.equal(byLead.code, 0, byLead.stderr);
    assert.match(byLead.stdout, /tabled \(tabled to the mediators\)/);

    const decided = run('amend', 'decide', id, 'accept', '--as', 'mediator@demo.parley');
    assert.equal(decided.code, 0, decided.stderr);
    assert.match(decided.stdout, new RegExp(`${id} {2}accepted`));

    const made = run(
      ...['consolidate', 'v-table-28', '--label', 'Single negotiating text, second reading'],
      ...['--as', 'mediator@demo.parley', '--json'],
    );
    assert.equal(made.code, 0, made.stderr);
    const version = JSON.parse(made.stdout) as { id: string; parentId: string; points: { id: string; text: string }[] };
    assert.equal(version.parentId, 'v-table-28');
    assert.match(version.points.find((p) => p.id === 'pt-23')!.text, /^Ukraine keeps full commercial use/);
    // The pending amendments were carried to it, re-anchored.
    const carried = run('amend', 'list', version.id, '--as', 'mediator@demo.parley', '--json');
    assert.equal(carried.code, 0, carried.stderr);
    const ids = (JSON.parse(carried.stdout) as { id: string }[]).map((a) => a.id);
    assert.ok(ids.includes('am-e3-army') && ids.includes('am-ua-elections'), ids.join(', '));
  });

  test('an unknown version or a bad anchor gets a clear error', () => {
    const unknown = run('amend', 'list', 'v-nowhere', '--as', 'ua@demo.parley');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /v-nowhere/);
    const badQuote = JSON.stringify({
      kind: 'delete',
      pointId: 'pt-6',
      field: 'text',
      start: 0,
      end: 7,
      quote: 'Russia',
    });
    const refused = run('amend', 'propose', 'v-table-28', '--change', badQuote, '--as', 'ua@demo.parley');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /change\.quote: the quoted text “Russia” is not what point 6's text holds/);
  });
});
