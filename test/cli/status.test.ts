import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { loadScenario } from '../../src/demo/load.ts';
import { closeTrack, markAgreed } from '../../src/store/agreement.ts';
import { Store } from '../../src/store/store.ts';
import { ACCORD, accordScenario } from '../fixtures/accord.ts';
import { contextOf, freshDatabase } from '../helpers.ts';
import { parley } from './command.ts';

const status = (db: string, ...args: string[]) =>
  parley(['status', '--db', db, '--negotiation', ACCORD, ...args], { NO_COLOR: '' });

describe('parley status', () => {
  let db: string;
  before(async () => {
    db = await freshDatabase('status');
    const store = await Store.open(db);
    try {
      await loadScenario(store, accordScenario);
      const atlantis = await contextOf(store, 'at@accord.test', ACCORD);
      await markAgreed(store, atlantis, 'acc-v1', 'acc-p1', 'at');
    } finally {
      await store.close();
    }
  });

  test('says what stands in the way, with names, as the operator sees it', () => {
    const { code, stdout, stderr } = status(db);
    assert.equal(code, 0, stderr);
    assert.equal(
      stdout,
      'Single text 1: 3 points not agreed: 1, 2, 3 (awaiting Borduria on 1, 2, 3; Carpania on 1, 2; Atlantis on 2, 3); 1 bracket open; the track "Sea lanes" open\n',
    );
  });

  test('--as a party outside the track: its points are numbers, the track is counted, not named', () => {
    const { code, stdout, stderr } = status(db, '--as', 'ca@accord.test');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /3 points not agreed: 1, 2, 3/);
    assert.match(stdout, /1 track you are not part of open/);
    assert.doesNotMatch(stdout, /Sea lanes/);
    const json = JSON.parse(status(db, '--as', 'ca@accord.test', '--json').stdout);
    assert.equal(json.status.points[2].withheld, true);
    assert.ok(!JSON.stringify(json).includes('acc-sea'));
  });

  test('an account outside the negotiation, or a version it may not see, is refused', () => {
    const unknown = status(db, '--version', 'no-such-version');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /not found/);
  });

  test('says the agreement is complete once every point is agreed, no bracket open and every track closed', async () => {
    const store = await Store.open(db);
    try {
      // A text without the bracket, made current, agreed by all, the track closed.
      const { createVersion } = await import('../../src/store/versions.ts');
      const { transmitVersion } = await import('../../src/store/versions.ts');
      const mediator = await contextOf(store, 'mediator@accord.test', ACCORD);
      const points = accordScenario.versions[0]!.points.map((p) =>
        p.id === 'acc-p2' ? { ...p, text: 'The army is capped at 700,000 troops.', brackets: [] } : p,
      );
      const text = await createVersion(store, mediator, {
        parentId: 'acc-v1',
        kind: 'draft',
        label: 'Single text 2',
        summary: '',
        authorPartyId: null,
        points,
        optionChoices: {},
        source: null,
      });
      await transmitVersion(store, mediator, text.id, ['at', 'bo', 'ca']);
      const { updateNegotiation } = await import('../../src/store/negotiations.ts');
      await updateNegotiation(store, mediator, mediator.negotiation.revision, { currentVersionId: text.id });
      for (const [email, party, ids] of [
        ['at@accord.test', 'at', ['acc-p1', 'acc-p2', 'acc-p3']],
        ['bo@accord.test', 'bo', ['acc-p1', 'acc-p2', 'acc-p3']],
        ['ca@accord.test', 'ca', ['acc-p1', 'acc-p2']],
      ] as const)
        for (const id of ids) await markAgreed(store, await contextOf(store, email, ACCORD), text.id, id, party);
      await closeTrack(store, await contextOf(store, 'mediator@accord.test', ACCORD), 'acc-sea');
    } finally {
      await store.close();
    }
    const { code, stdout, stderr } = status(db, '--as', 'ca@accord.test');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Single text 2: The agreement is complete\.\nThe text is locked since /);
  });
});
