import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { openEngine } from '../../src/store/engines/index.ts';
import type { Database } from '../../src/store/schema.ts';
import { freshDatabase, TEST_ENGINE } from '../helpers.ts';

const BEFORE = '0008-seats-by-consent';
const row = (id: string, negotiation: string, data: object = {}) => ({
  id,
  negotiation_id: negotiation,
  revision: 1,
  data: JSON.stringify({ id, negotiationId: negotiation, ...data }),
});

/** A database as Parley wrote it before ids were scoped to their negotiation: one of each reference. */
async function fillOldDatabase(db: Kysely<Database>) {
  const at = '2025-11-23T10:00:00Z';
  await db
    .insertInto('users')
    .values({ id: 'u1', email: 'a@example.org', name: 'A', password_hash: 'x', is_admin: 0, created_at: at })
    .execute();
  await db.insertInto('negotiations').values({ id: 'n1', revision: 1, data: '{}', created_at: at }).execute();
  await db.insertInto('parties').values(row('us', 'n1')).execute();
  await db.insertInto('issues').values(row('issue-1', 'n1')).execute();
  await db.insertInto('transmission_rules').values(row('rule-1', 'n1')).execute();
  await db
    .insertInto('memberships')
    .values({ id: 'm1', negotiation_id: 'n1', user_id: 'u1', party_id: 'us', role: 'lead', title: '' })
    .execute();
  await db
    .insertInto('versions')
    .values({
      ...row('v1', 'n1'),
      parent_id: null,
      author_party_id: 'us',
      internal: 0,
      created_at: at,
      content_hash: 'h',
    })
    .execute();
  // The old table has no negotiation column: the migration fills it from the version.
  await (db as unknown as Kysely<any>)
    .insertInto('version_recipients')
    .values({ version_id: 'v1', party_id: 'us', received_at: at })
    .execute();
  await db
    .insertInto('positions')
    .values({ ...row('p1', 'n1'), party_id: 'us', visibility: 'party', version_id: 'v1', point_id: 'pt1' })
    .execute();
  await db
    .insertInto('red_lines')
    .values({ ...row('r1', 'n1'), party_id: 'us', visibility: 'party' })
    .execute();
  await db
    .insertInto('preferences')
    .values({ ...row('pr1', 'n1'), party_id: 'us', visibility: 'party' })
    .execute();
  await db
    .insertInto('text_approvals')
    .values({
      id: 'a1',
      negotiation_id: 'n1',
      rule_id: 'rule-1',
      stage_id: 's',
      version_id: 'v1',
      content_hash: 'h',
      user_id: 'u1',
      data: '{}',
      at,
    })
    .execute();
  await db
    .insertInto('invitations')
    .values({
      id: 'i1',
      negotiation_id: 'n1',
      email: 'b@example.org',
      party_id: 'us',
      role: 'member',
      title: '',
      token_hash: 't',
      created_by: 'u1',
      created_at: at,
      expires_at: at,
      accepted_at: null,
      revoked_at: null,
      party_consent_by: null,
    })
    .execute();
  await db
    .insertInto('analyses')
    .values({
      id: 'an1',
      negotiation_id: 'n1',
      requested_by: 'u1',
      version_id: 'v1',
      inputs_key: 'k',
      data: '{}',
      created_at: at,
    })
    .execute();
  await db
    .insertInto('releases')
    .values({
      id: 'rel1',
      negotiation_id: 'n1',
      analysis_id: 'an1',
      party_id: 'us',
      data: '{}',
      created_by: 'u1',
      created_at: at,
    })
    .execute();
}

describe(`migration 0009 scopes client-chosen ids to their negotiation (${TEST_ENGINE})`, () => {
  test('every row is kept, references carry their negotiation, and a second negotiation may reuse the ids', async () => {
    const location = await freshDatabase('ids-migration');
    const old = await openEngine(location, { migrateTo: BEFORE });
    await fillOldDatabase(old.db);
    // Before: the party id is taken across the installation.
    await old.db.insertInto('negotiations').values({ id: 'n2', revision: 1, data: '{}', created_at: 'x' }).execute();
    await assert.rejects(old.db.insertInto('parties').values(row('us', 'n2')).execute());
    await old.close();

    const engine = await openEngine(location);
    try {
      const db = engine.db;
      assert.deepEqual(await engine.integrityCheck(), []);
      const recipients = await db.selectFrom('version_recipients').selectAll().execute();
      assert.deepEqual(recipients, [
        { version_id: 'v1', negotiation_id: 'n1', party_id: 'us', received_at: '2025-11-23T10:00:00Z' },
      ]);
      for (const table of [
        'parties',
        'issues',
        'transmission_rules',
        'memberships',
        'versions',
        'positions',
      ] as const) {
        const rows = await db.selectFrom(table).select('id').execute();
        assert.equal(rows.length, 1, `${table} keeps its row`);
      }
      for (const table of ['red_lines', 'preferences', 'text_approvals', 'invitations', 'releases'] as const)
        assert.equal((await db.selectFrom(table).select('id').execute()).length, 1, `${table} keeps its row`);

      // After: the same ids in another negotiation, and references that stay inside their negotiation.
      await db.insertInto('parties').values(row('us', 'n2')).execute();
      await db.insertInto('issues').values(row('issue-1', 'n2')).execute();
      await db.insertInto('transmission_rules').values(row('rule-1', 'n2')).execute();
      await assert.rejects(
        db.insertInto('parties').values(row('us', 'n1')).execute(),
        'an id is still one thing within its negotiation',
      );
      await assert.rejects(
        db
          .insertInto('memberships')
          .values({ id: 'm9', negotiation_id: 'n2', user_id: 'u1', party_id: 'ua', role: 'lead', title: '' })
          .execute(),
        'a seat names a party of its own negotiation',
      );
      await db.insertInto('negotiations').values({ id: 'n3', revision: 1, data: '{}', created_at: 'x' }).execute();
      await assert.rejects(
        db
          .insertInto('red_lines')
          .values({ ...row('r9', 'n3'), party_id: 'us', visibility: 'party' })
          .execute(),
        'a red line cannot name a party of another negotiation',
      );
      assert.deepEqual(await engine.integrityCheck(), []);
    } finally {
      await engine.close();
    }
  });
});
