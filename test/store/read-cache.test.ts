import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { userByToken } from '../../src/store/accounts.ts';
import { tokenHash } from '../../src/store/passwords.ts';
import { listVersions } from '../../src/store/texts.ts';
import { insertEntity, readEntities, replaceEntity } from '../../src/store/collections.ts';
import { runPrepared } from '../../src/store/prepared.ts';
import { checkingReads, undeclaredReads } from '../../src/store/read-cache.ts';
import { Store } from '../../src/store/store.ts';
import { demoDatabase } from '../helpers.ts';

const N = 'geneva-2025';
const user = (id: string) => ({ id, email: `${id}@demo.parley`, name: id, isAdmin: false });

describe('what the store keeps between reads is never older than the database', () => {
  let file: string;
  let store: Store;
  let other: Store;
  before(async () => {
    file = await demoDatabase();
    store = await Store.open(file);
    other = await Store.open(file);
  });
  after(async () => {
    await store.close();
    await other.close();
  });

  test('a change committed by another connection on the same file is seen by the next read', async () => {
    const ctx = await store.context(user('u-ua'), N);
    assert.equal(ctx.parties.find((p) => p.id === 'ru')!.revision, 1);
    // Another Parley process's change (on PostgreSQL each process counts its own commits for the others).
    await other.change(null, (trx) =>
      trx.updateTable('parties').set({ revision: 99 }).where('id', '=', 'ru').execute(),
    );
    await new Promise((resolve) => setImmediate(resolve));
    const fresh = await store.context(user('u-ua'), N);
    assert.equal(fresh.parties.find((p) => p.id === 'ru')!.revision, 99);
  });

  test('the engine is asked again for what arrived after it was last asked (a request that knows of a newer commit)', async () => {
    // The engine's version is asked once per turn of the event loop, for the reads of that turn; a
    // request that arrives later in the turn may know of a commit made since (through another server).
    const before = await store.context(user('u-ua'), N);
    const revision = before.parties.find((p) => p.id === 'us')!.revision;
    await other.change(null, (trx) =>
      trx
        .updateTable('parties')
        .set({ revision: revision + 1 })
        .where('id', '=', 'us')
        .execute(),
    );
    store.engine.clock.arrived();
    const fresh = await store.context(user('u-ua'), N);
    assert.equal(fresh.parties.find((p) => p.id === 'us')!.revision, revision + 1);
  });

  test('a change written through the same connection, even outside a store command, is seen at once', async () => {
    const before = (await listVersions(store, await store.context(user('u-ru'), N))).map((v) => v.id);
    assert.ok(!before.includes('v-geneva-19'), 'Russia has not received the post-Geneva text');
    await store.db
      .insertInto('version_recipients')
      .values({ version_id: 'v-geneva-19', negotiation_id: N, party_id: 'ru', received_at: '2025-11-30T00:00:00Z' })
      .execute();
    const after = (await listVersions(store, await store.context(user('u-ru'), N))).map((v) => v.id);
    assert.ok(after.includes('v-geneva-19'));
  });

  test("one reader's views are never served to another", async () => {
    const view = async (id: string) =>
      (await listVersions(store, await store.context(user(id), N))).map((v) => [v.id, v.points.length]);
    const ua = await view('u-ua');
    const ru = await view('u-ru');
    assert.notDeepEqual(ua, ru, "the track's points are withheld from Russia");
    assert.deepEqual(await view('u-ua'), ua);
    assert.deepEqual(await view('u-ru'), ru);
  });

  test('a session ends at once when its row goes, and a kept value cannot be changed by a caller', async () => {
    const token = 'a-test-token-that-is-long-enough';
    await store.db
      .insertInto('sessions')
      .values({
        token_hash: tokenHash(token),
        user_id: 'u-ua',
        created_at: '2025-01-01T00:00:00Z',
        expires_at: '2999-01-01T00:00:00Z',
      })
      .execute();
    assert.equal((await userByToken(store, token))?.id, 'u-ua');
    await store.db.deleteFrom('sessions').where('token_hash', '=', tokenHash(token)).execute();
    assert.equal(await userByToken(store, token), null);
    const ctx = await store.context(user('u-ua'), N);
    assert.throws(() => {
      (ctx.parties as unknown as unknown[]).push({});
    }, TypeError);
  });

  test('a session read while its sign-out is being committed is not kept past the commit', async () => {
    // On PostgreSQL a read runs on another connection of the pool while a change of the same process
    // is under way: it sees the rows as they were before the change. What it read must not be served
    // once the change is committed, or a session ended (a seat removed) would go on being honoured.
    const token = 'a-token-signed-out-while-it-is-read';
    await store.db
      .insertInto('sessions')
      .values({
        token_hash: tokenHash(token),
        user_id: 'u-ua',
        created_at: '2025-01-01T00:00:00Z',
        expires_at: '2999-01-01T00:00:00Z',
      })
      .execute();
    let during: Promise<unknown> | null = null;
    await store.unaudited(async (trx) => {
      await trx.deleteFrom('sessions').where('token_hash', '=', tokenHash(token)).execute();
      during = userByToken(store, token);
      // SQLite has one connection: the read waits for the commit. PostgreSQL reads at once.
      if (store.engineName === 'postgres') assert.equal(((await during) as { id: string } | null)?.id, 'u-ua');
    });
    await during;
    assert.equal(await userByToken(store, token), null, 'the ended session is refused after the commit');
  });

  test('a write of a query compiled once and run again is seen by the next read, as any other write', async () => {
    const ctx = await store.context(user('u-ua'), N);
    const first = await readEntities(store, 'tracks', N);
    const track = { ...first[0]!, id: `track-${Date.now()}`, name: 'A track written by a prepared insert' };
    await store.change(ctx.user.id, (trx) => insertEntity(trx, 'tracks', track));
    assert.ok(
      (await readEntities(store, 'tracks', N)).some((t) => t.id === track.id),
      'the insert is seen',
    );
    const renamed = { ...track, name: 'Renamed by a prepared update', revision: track.revision + 1 };
    await store.change(ctx.user.id, (trx) => replaceEntity(trx, 'tracks', renamed, track.revision));
    assert.equal((await readEntities(store, 'tracks', N)).find((t) => t.id === track.id)?.name, renamed.name);
  });

  test('a prepared query whose shape does not place each of its values once is refused before it runs', async () => {
    await assert.rejects(
      async () =>
        runPrepared(store.db, `test two values ${Date.now()}`, ['a', 'b'], (slot) =>
          store.db.selectFrom('parties').select('id').where('id', '=', slot(0)).where('negotiation_id', '=', slot(0)),
        ),
      /places its 2 values as \[0, 0\]/,
    );
  });
});

describe('under test, a cached read that touches a table it does not declare fails', () => {
  test(
    'a read of parties declared as a read of issues is refused, naming the read and the table',
    { skip: !checkingReads && 'run with PARLEY_CHECK_READS=1 (the test command sets it)' },
    async () => {
      const store = await Store.open(await demoDatabase());
      try {
        await assert.rejects(
          store.reads.get('forgetful', ['issues'], () => store.db.selectFrom('parties').select('id').execute()),
          /the cached read "forgetful" declares the tables \[issues\] but reads the table "parties"/,
        );
        // A cached read inside another's load counts against the outer one too.
        await assert.rejects(
          store.reads.get('outer', ['issues'], () =>
            store.reads.get('inner', ['issues', 'rounds'], () => store.db.selectFrom('issues').select('id').execute()),
          ),
          /the cached read "outer" declares the tables \[issues\] but depends on "inner", which reads the table "rounds"/,
        );
        // Declared, it is served.
        assert.ok(
          (await store.reads.get('declared', ['parties'], () => store.db.selectFrom('parties').select('id').execute()))
            .length > 0,
        );
      } finally {
        // Provoked on purpose: not a finding.
        undeclaredReads.splice(0);
        await store.close();
      }
    },
  );
});
