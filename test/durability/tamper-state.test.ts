// The state is the log: each manipulation of the live tables below is made on a real database (the
// demo, on SQLite or PostgreSQL) by someone with the database and not the server, without touching the
// audit log. `parley audit verify` rebuilds the state the log describes and names the row that differs;
// the server refuses to decide on an altered text or on a decision the log never recorded.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../src/core/errors.ts';
import { verifyAuditState, type StateVerdict } from '../../src/store/audit-state.ts';
import { Store } from '../../src/store/store.ts';
import { decideOnText } from '../../src/store/transmission.ts';
import { transmitVersion } from '../../src/store/versions.ts';
import { markAgreed } from '../../src/store/agreement.ts';
import { getVersion } from '../../src/store/texts.ts';
import { contextOf, demoDatabase, signIn, startServer, TEST_ENGINE } from '../helpers.ts';
import { parley } from '../cli/command.ts';

const N = 'geneva-2025';
const TEXT = 'v-geneva-19';
const RULE = 'rule-presidents-before-moscow';
const APPROVE = { ruleId: RULE, stageId: 'stage-presidents', decision: 'approve' as const, comment: '' };

/** A fresh demo database, changed by `tamper` through a connection of its own (as an operator with the file would). */
async function tampered(tamper: (db: Store['db']) => Promise<void>): Promise<string> {
  const location = await demoDatabase();
  const store = await Store.open(location);
  try {
    await tamper(store.db);
  } finally {
    await store.close();
  }
  return location;
}

async function stateOf(location: string): Promise<StateVerdict> {
  const store = await Store.open(location);
  try {
    return await verifyAuditState(store.db);
  } finally {
    await store.close();
  }
}

/** Asserts the state check names exactly this kind of difference on this row. */
function assertCaught(verdict: StateVerdict, table: string, id: string, field: string, detail: RegExp): void {
  assert.equal(verdict.ok, false, `the state check missed a change to ${table} ${id}`);
  const found = verdict.differences.find((d) => d.table === table && d.id === id && d.field === field);
  assert.ok(found, `no difference named ${table} ${id} ${field}: ${JSON.stringify(verdict.differences)}`);
  assert.match(found.detail, detail);
}

async function assertAltered(work: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof DomainError, `expected a refusal, got ${String(error)}`);
    assert.equal(error.kind, 'conflict');
    assert.match(error.message, /altered outside Parley/);
    assert.match(error.message, pattern);
    return true;
  });
}

describe(`tampering with the live tables (${TEST_ENGINE})`, () => {
  test('the untouched demo matches the state its log describes', async () => {
    const verdict = await stateOf(await demoDatabase());
    assert.deepEqual(verdict.differences, []);
    assert.equal(verdict.ok, true);
    for (const table of ['users', 'memberships', 'positions', 'transmission_rules', 'text_approvals', 'versions'])
      assert.ok((verdict.rows[table] ?? 0) > 0, `no ${table} rows were compared`);
  });

  test("a private position's stance changed in the table is named, with both stances", async () => {
    let id = '';
    let stance = '';
    const location = await tampered(async (db) => {
      const row = await db
        .selectFrom('positions')
        .select(['id', 'data'])
        .where('visibility', '=', 'party')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const data = JSON.parse(row.data) as { stance: string };
      id = row.id;
      stance = data.stance === 'support' ? 'oppose' : 'support';
      await db
        .updateTable('positions')
        .set({ data: JSON.stringify({ ...data, stance }) })
        .where('id', '=', id)
        .execute();
    });
    assertCaught(
      await stateOf(location),
      'positions',
      id,
      'stance',
      new RegExp(`the log says stance '\\w+', the table says '${stance}'`),
    );
  });

  test("a position's visibility column made public (its data left alone) is named", async () => {
    let id = '';
    const location = await tampered(async (db) => {
      id = (
        await db
          .selectFrom('positions')
          .select('id')
          .where('visibility', '=', 'party')
          .orderBy('id')
          .executeTakeFirstOrThrow()
      ).id;
      await db.updateTable('positions').set({ visibility: 'public' }).where('id', '=', id).execute();
    });
    assertCaught(
      await stateOf(location),
      'positions',
      id,
      'visibility (column)',
      /the log says visibility \(column\) 'party', the table says 'public'/,
    );
  });

  test('a forged presidential approval makes the send to Russia refused, not made, and verify names the row', async () => {
    const location = await tampered(async (db) => {
      const genuine = await db
        .selectFrom('text_approvals')
        .selectAll()
        .where('version_id', '=', TEXT)
        .executeTakeFirstOrThrow();
      const forged = {
        ...(JSON.parse(genuine.data) as object),
        id: 'approval-us-president-forged',
        userId: 'u-us-principal',
      };
      await db
        .insertInto('text_approvals')
        .values({ ...genuine, id: forged.id, user_id: 'u-us-principal', data: JSON.stringify(forged) })
        .execute();
    });
    const store = await Store.open(location);
    try {
      const rubio = await contextOf(store, 'us@demo.parley');
      await assertAltered(transmitVersion(store, rubio, TEXT, ['ru']), /approval-us-president-forged/);
      const held = await store.db
        .selectFrom('version_recipients')
        .select('party_id')
        .where('version_id', '=', TEXT)
        .where('party_id', '=', 'ru')
        .execute();
      assert.deepEqual(held, [], 'Russia received the text on a forged approval');
      // Nor does a real decision build on it.
      const trump = await contextOf(store, 'us-principal@demo.parley');
      const { contentHash } = await getVersion(store, trump, TEXT);
      await assertAltered(
        decideOnText(store, trump, TEXT, { ...APPROVE, contentHash: contentHash! }),
        /approval-us-president-forged/,
      );
    } finally {
      await store.close();
    }
    assertCaught(
      await stateOf(location),
      'text_approvals',
      'approval-us-president-forged',
      'row',
      /is in the table but no event made it/,
    );
  });

  test('a genuine approval rewritten to another decision is refused and named', async () => {
    const location = await tampered(async (db) => {
      const row = await db
        .selectFrom('text_approvals')
        .selectAll()
        .where('id', '=', 'approval-ua-president')
        .executeTakeFirstOrThrow();
      const data = { ...(JSON.parse(row.data) as object), userId: 'u-us-principal' };
      await db
        .updateTable('text_approvals')
        .set({ user_id: 'u-us-principal', data: JSON.stringify(data) })
        .where('id', '=', row.id)
        .execute();
    });
    assertCaught(await stateOf(location), 'text_approvals', 'approval-ua-president', 'userId', /u-us-principal/);
    const store = await Store.open(location);
    try {
      await assertAltered(
        transmitVersion(store, await contextOf(store, 'us@demo.parley'), TEXT, ['ru']),
        /approval-ua-president/,
      );
    } finally {
      await store.close();
    }
  });

  test('a recipient row giving Russia a text is named: no event sent it', async () => {
    const location = await tampered(async (db) => {
      await db
        .insertInto('version_recipients')
        .values({ version_id: TEXT, negotiation_id: N, party_id: 'ru', received_at: '2025-11-24T10:00:00Z' })
        .execute();
    });
    assertCaught(
      await stateOf(location),
      'version_recipients',
      `${TEXT} → ru`,
      'row',
      /v-geneva-19 → ru: no event sent it/,
    );
  });

  test('a user made administrator by SQL is named', async () => {
    const location = await tampered(async (db) => {
      await db.updateTable('users').set({ is_admin: 1 }).where('id', '=', 'u-ru').execute();
    });
    assertCaught(await stateOf(location), 'users', 'u-ru', 'administrator', /the log says administrator false/);
  });

  test('a seat given another role by SQL is named', async () => {
    let id = '';
    const location = await tampered(async (db) => {
      id = (await db.selectFrom('memberships').select('id').where('user_id', '=', 'u-ru').executeTakeFirstOrThrow()).id;
      await db.updateTable('memberships').set({ role: 'principal' }).where('id', '=', id).execute();
    });
    assertCaught(
      await stateOf(location),
      'memberships',
      id,
      'role',
      /the log says role 'lead', the table says 'principal'/,
    );
  });

  test('a rule marked removed by SQL is named', async () => {
    const location = await tampered(async (db) => {
      const row = await db
        .selectFrom('transmission_rules')
        .select('data')
        .where('id', '=', RULE)
        .executeTakeFirstOrThrow();
      const data = { ...(JSON.parse(row.data) as object), removedAt: '2025-11-24T09:00:00Z' };
      await db
        .updateTable('transmission_rules')
        .set({ data: JSON.stringify(data) })
        .where('id', '=', RULE)
        .execute();
    });
    assertCaught(
      await stateOf(location),
      'transmission_rules',
      RULE,
      'removedAt',
      /the log says removedAt null, the table says '2025-11-24T09:00:00Z'/,
    );
  });

  test("a text edited in the versions table: its served hash is its content's, every decision on it is refused, and verify names it", async () => {
    let storedHash = '';
    const location = await tampered(async (db) => {
      const row = await db
        .selectFrom('versions')
        .select(['data', 'content_hash'])
        .where('id', '=', TEXT)
        .executeTakeFirstOrThrow();
      storedHash = row.content_hash;
      const data = JSON.parse(row.data) as { points: { text: string }[] };
      data.points[0]!.text = `${data.points[0]!.text} Russia keeps every territory it holds.`;
      await db
        .updateTable('versions')
        .set({ data: JSON.stringify(data) })
        .where('id', '=', TEXT)
        .execute();
    });
    const store = await Store.open(location);
    try {
      const rubio = await contextOf(store, 'us@demo.parley');
      const served = await getVersion(store, rubio, TEXT);
      assert.notEqual(served.contentHash, storedHash, 'the altered text was served with the hash of its old content');
      await assertAltered(transmitVersion(store, rubio, TEXT, ['ru']), /v-geneva-19/);
      const trump = await contextOf(store, 'us-principal@demo.parley');
      await assertAltered(
        decideOnText(store, trump, TEXT, { ...APPROVE, contentHash: served.contentHash! }),
        /v-geneva-19/,
      );
      await assertAltered(markAgreed(store, rubio, TEXT, served.points[0]!.id, 'us'), /v-geneva-19/);
    } finally {
      await store.close();
    }
    const verdict = await stateOf(location);
    assertCaught(verdict, 'versions', TEXT, 'content_hash', /altered outside Parley/);
    assertCaught(verdict, 'versions', TEXT, 'content', /not the content the log recorded/);
  });

  test('a text edited with its stored hash rewritten to match is still named: its content is not what the log recorded', async () => {
    const location = await tampered(async (db) => {
      const row = await db.selectFrom('versions').select('data').where('id', '=', TEXT).executeTakeFirstOrThrow();
      const data = JSON.parse(row.data) as { summary: string };
      data.summary = `${data.summary} (amended)`;
      await db
        .updateTable('versions')
        .set({ data: JSON.stringify(data), content_hash: 'f'.repeat(64) })
        .where('id', '=', TEXT)
        .execute();
    });
    assertCaught(await stateOf(location), 'versions', TEXT, 'content', /not the content the log recorded/);
  });

  test("an administrator's GET /api/audit/verify names the changed row by id and field, never its content; the altered text's send is a 409", async () => {
    const marker = 'Russia keeps every territory it holds';
    let positionId = '';
    const location = await tampered(async (db) => {
      const row = await db
        .selectFrom('positions')
        .select(['id', 'data'])
        .where('visibility', '=', 'party')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      positionId = row.id;
      const data = { ...(JSON.parse(row.data) as object), proposedText: marker };
      await db
        .updateTable('positions')
        .set({ data: JSON.stringify(data) })
        .where('id', '=', row.id)
        .execute();
      const text = await db.selectFrom('versions').select('data').where('id', '=', TEXT).executeTakeFirstOrThrow();
      const version = JSON.parse(text.data) as { summary: string };
      await db
        .updateTable('versions')
        .set({ data: JSON.stringify({ ...version, summary: marker }) })
        .where('id', '=', TEXT)
        .execute();
    });
    const { url } = await startServer(location);
    const admin = await signIn(url, 'admin@demo.parley');
    const answer = await admin.get('/api/audit/verify');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.ok, true, 'the chain itself was not touched');
    assert.equal(answer.body.state.ok, false);
    assert.ok(
      answer.body.state.differences.some(
        (d: { table: string; id: string; field: string }) =>
          d.table === 'positions' && d.id === positionId && d.field === 'proposedText',
      ),
      JSON.stringify(answer.body.state),
    );
    assert.ok(
      answer.body.state.differences.some(
        (d: { table: string; id: string; field: string }) => d.table === 'versions' && d.id === TEXT,
      ),
    );
    assert.doesNotMatch(JSON.stringify(answer.body), new RegExp(marker), 'the verify answer carried private content');
    const russia = await signIn(url, 'ru@demo.parley');
    assert.equal((await russia.get('/api/audit/verify')).status, 403);
    const rubio = await signIn(url, 'us@demo.parley');
    const sent = await rubio.post(`/api/negotiations/${N}/versions/${TEXT}/transmit`, { partyIds: ['ru'] });
    assert.equal(sent.status, 409, JSON.stringify(sent.body));
    assert.match(sent.body.detail, /v-geneva-19.*altered outside Parley/);
  });

  test('`parley audit verify` prints the state verdict and exits non-zero on a difference', async () => {
    if (TEST_ENGINE === 'postgres') return; // the command's own engine handling is tested in test/cli
    const clean = parley(['audit', 'verify', '--db', await demoDatabase()]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /^state: matches the log/m);
    const location = await tampered(async (db) => {
      await db.updateTable('users').set({ is_admin: 1 }).where('id', '=', 'u-ru').execute();
    });
    const caught = parley(['audit', 'verify', '--db', location]);
    assert.notEqual(caught.code, 0);
    assert.match(caught.stdout, /^state: 1 row differs/m);
    assert.match(caught.stdout, /users u-ru: the log says administrator false, the table says true/);
  });
});
