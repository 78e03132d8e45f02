// The audit log's kinds are one list (`AUDIT_KINDS`): every event Parley writes is one of them, with
// the entity the list gives it; every kind in the list is one some code writes; and the table of
// kinds in docs/audit-events.md is the list. The strings are hashed into the chain, so a renamed kind
// would break every database written before: the entities below are the ones events always had.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { APPROVAL_DECISIONS } from '../../src/core/model.ts';
import {
  AUDIT_ACTIONS,
  AUDIT_KINDS,
  COLLECTION_ENTITIES,
  auditEntity,
  isAuditAction,
} from '../../src/store/audit-kinds.ts';
import { removeMember } from '../../src/store/members.ts';
import { retractStatement } from '../../src/store/statements.ts';
import { Store } from '../../src/store/store.ts';
import { withdrawVersion } from '../../src/store/versions.ts';
import { contextOf, demoDatabase } from '../helpers.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('audit kinds', () => {
  test('every event of the demo, and of a few changes after it, is a kind of the list, with its entity', async () => {
    const store = await Store.open(await demoDatabase());
    try {
      // A few changes the demo does not make: a withdrawal, a retraction, a seat proposed to a party.
      const mediator = await contextOf(store, 'mediator@demo.parley');
      const statement = (await store.db.selectFrom('statements').select('id').limit(1).executeTakeFirstOrThrow()).id;
      await retractStatement(store, mediator, statement);
      const us = await contextOf(store, 'us@demo.parley');
      const draft = await store.db
        .selectFrom('versions')
        .select('id')
        .where('author_party_id', '=', 'us')
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      assert.ok((await withdrawVersion(store, us, draft.id)).withdrawnAt);
      const kushner = mediator.memberships.find((m) => m.userId === 'u-kushner')!;
      assert.equal((await removeMember(store, mediator, kushner.id)).kind, 'proposal');

      const events = await store.db.selectFrom('audit_events').select(['seq', 'action', 'entity']).execute();
      assert.ok(events.length > 100, `the demo writes its events (${events.length})`);
      const strays = events.filter((e) => !isAuditAction(e.action) || auditEntity(e.action) !== e.entity);
      assert.deepEqual(
        strays.map((e) => `${e.seq}: ${e.action} (${e.entity})`),
        [],
        'events of a kind not in AUDIT_KINDS, or with another entity',
      );
      const written = new Set(events.map((e) => e.action));
      for (const kind of [
        'statement.update',
        'version.withdraw',
        'proposal.create',
        'approval.approve',
        'version.create',
      ])
        assert.ok(written.has(kind), `${kind} is written`);
      assert.deepEqual(await store.verifyAudit(), { ok: true, events: events.length });
    } finally {
      await store.close();
    }
  });

  test('every kind of the list is one some code writes', () => {
    const code = sources('src')
      .filter((file) => !file.endsWith('audit-kinds.ts'))
      .map((file) => readFileSync(join(root, file), 'utf8'))
      .join('\n');
    const writable = new Set<string>();
    // Written as they are: `action: 'version.sign'`, or a proposal's `'proposal.accept'`.
    for (const match of code.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) writable.add(match[1]!);
    // Store.insert and Store.replace: `<entity>.create` and `<entity>.update` of the entity they are given.
    for (const match of code.matchAll(/\.insert\(\s*ctx,\s*'\w+',\s*'([a-z_]+)'/g)) writable.add(`${match[1]}.create`);
    for (const match of code.matchAll(/\.replace\(\s*ctx,\s*'\w+',\s*'([a-z_]+)'/g)) writable.add(`${match[1]}.update`);
    // The demo's loader: `created('<entity>', …)` and its list of owned collections.
    for (const match of code.matchAll(/created\('([a-z_]+)'/g)) writable.add(`${match[1]}.create`);
    for (const match of code.matchAll(/\['\w+', '([a-z_]+)', scenario\.\w+\]/g)) writable.add(`${match[1]}.create`);
    // A decision on a text: `approval.${approval.decision}`.
    assert.match(code, /action: `approval\.\$\{approval\.decision\}`/);
    for (const decision of APPROVAL_DECISIONS) writable.add(`approval.${decision}`);
    assert.deepEqual(
      AUDIT_ACTIONS.filter((kind) => !writable.has(kind)),
      [],
      'kinds no code writes: remove them from AUDIT_KINDS (or, if old databases hold them, from the list of kinds written)',
    );
  });

  test('the entities are those events always had: the verb names the entity, but a decision is on its rule', () => {
    for (const action of AUDIT_ACTIONS) {
      const expected = action.startsWith('approval.') ? 'transmission_rule' : action.split('.')[0];
      assert.equal(auditEntity(action), expected, action);
    }
    for (const [collection, entity] of Object.entries(COLLECTION_ENTITIES)) {
      assert.ok(isAuditAction(`${entity}.create`), `${collection}: ${entity}.create`);
      assert.ok(isAuditAction(`${entity}.update`), `${collection}: ${entity}.update`);
    }
    assert.equal(isAuditAction('toString'), false, 'a name of Object.prototype is no kind');
    assert.equal(isAuditAction('approval_policy.create'), false, 'a retired kind is not written any more');
  });

  test('docs/audit-events.md lists exactly the kinds of the list, with their entities', () => {
    const doc = readFileSync(join(root, 'docs/audit-events.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z_.]+)` \| `([a-z_]+)` \|/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(
      rows,
      Object.entries(AUDIT_KINDS).map(([action, { entity }]) => [action, entity]),
    );
  });
});
