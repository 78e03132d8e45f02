import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Engine } from '../../src/store/engine.ts';
import { openEngine } from '../../src/store/engines/index.ts';
import { freshDatabase, newPostgresDatabase } from '../helpers.ts';

/**
 * The contract every storage engine keeps, checked on each adapter by the same tests: what the store
 * above it relies on, and what differs between SQLite and PostgreSQL must not change. (The store and
 * API tests then run whole on each engine; this suite names the engine's own promises.)
 */
function engineContract(name: string, available: boolean, location: () => Promise<string>) {
  describe(
    `the storage engine contract: ${name}`,
    { skip: !available && `${name}: no server to test on (PARLEY_TEST_POSTGRES)` },
    () => {
      const opened: Engine[] = [];
      const open = async (at: string) => {
        const engine = await openEngine(at);
        opened.push(engine);
        return engine;
      };
      after(async () => {
        for (const engine of opened.reverse()) await engine.close();
      });

      test('a new database is migrated: its tables are there and empty', async () => {
        const engine = await open(await location());
        const users = await engine.db.selectFrom('users').select('id').execute();
        assert.deepEqual(users, []);
        assert.deepEqual(await engine.integrityCheck(), []);
      });

      test('a duplicate id and a missing reference are refused as sentences a person can act on', async () => {
        const engine = await open(await location());
        const user = {
          id: 'u1',
          email: 'a@example.org',
          name: 'A',
          password_hash: 'x',
          is_admin: 0,
          created_at: 'now',
        };
        await engine.db.insertInto('users').values(user).execute();
        const duplicate = await engine.db
          .insertInto('users')
          .values({ ...user, email: 'b@example.org' })
          .execute()
          .catch((error: unknown) => error);
        assert.match(engine.constraintError(duplicate)?.message ?? '', /exists already/);
        assert.equal(
          engine.failsTheTransaction(duplicate),
          false,
          'a constraint loses one change, not the transaction',
        );
        const dangling = await engine.db
          .insertInto('sessions')
          .values({ token_hash: 't', user_id: 'nobody', created_at: 'now', expires_at: 'later' })
          .execute()
          .catch((error: unknown) => error);
        assert.match(engine.constraintError(dangling)?.message ?? '', /does not exist/);
        assert.equal(engine.constraintError(new Error('something else')), null);
      });

      test('a transaction that ended before its commit is caught, not answered as kept', async () => {
        const engine = await open(await location());
        const outcome = await engine.db
          .transaction()
          .execute(async (trx) => {
            await engine.beginWrite(trx);
            await sql`rollback`.execute(trx);
            await engine.endWrite(trx);
          })
          .then(
            () => 'committed',
            (error: unknown) => (engine.failsTheTransaction(error) ? 'lost' : `refused: ${String(error)}`),
          );
        assert.equal(outcome, 'lost');
      });

      test("another process's commit moves this process's clock, and is announced to it; its own writes are counted per table", async () => {
        const at = await location();
        const here = await open(at);
        const there = await open(at);
        const heard: (string | null)[][] = [];
        const stop = here.onChangeElsewhere((ids) => heard.push(ids));
        try {
          const before = await here.clock.stamp(['users']);
          // Its own write moves the table it wrote, and no other.
          await here.db.transaction().execute(async (trx) => {
            await here.beginWrite(trx);
            await trx
              .insertInto('users')
              .values({
                id: 'own',
                email: 'own@example.org',
                name: 'O',
                password_hash: 'x',
                is_admin: 0,
                created_at: 'n',
              })
              .execute();
            await here.endWrite(trx);
          });
          await new Promise((resolve) => setImmediate(resolve));
          assert.notEqual(await here.clock.stamp(['users']), before);
          const sessionsBefore = await here.clock.stamp(['sessions']);
          await new Promise((resolve) => setImmediate(resolve));
          assert.equal(
            await here.clock.stamp(['sessions']),
            sessionsBefore,
            'its own write to users leaves sessions alone',
          );
          // Another process's commit moves every stamp, and is heard.
          await there.db.transaction().execute(async (trx) => {
            await there.beginWrite(trx);
            await trx
              .insertInto('users')
              .values({
                id: 'far',
                email: 'far@example.org',
                name: 'F',
                password_hash: 'x',
                is_admin: 0,
                created_at: 'n',
              })
              .execute();
            await there.announce(trx, new Set(['n-1']));
            await there.endWrite(trx);
          });
          // Seen from the next turn of the event loop on (PostgreSQL: also at the next request).
          here.clock.arrived();
          await new Promise((resolve) => setImmediate(resolve));
          assert.notEqual(await here.clock.stamp(['sessions']), sessionsBefore);
          // Listening starts in the background (PostgreSQL: a connection and LISTEN); a notice sent
          // before it listens is not heard, so the other process announces until one is.
          const deadline = Date.now() + 10_000;
          while (heard.length === 0 && Date.now() < deadline) {
            await there.db.transaction().execute(async (trx) => {
              await there.beginWrite(trx);
              await there.announce(trx, new Set(['n-1']));
              await trx.updateTable('users').set({ name: 'G' }).where('id', '=', 'far').execute();
              await there.endWrite(trx);
            });
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          assert.ok(heard.length > 0, 'the other process was heard');
          // SQLite knows that another connection committed, not what: it names no negotiation.
          assert.ok(heard.flat().every((id) => id === null || id === 'n-1'));
        } finally {
          stop();
        }
      });

      test(
        'writes of two processes are one after the other: each change reads what the one before it committed',
        {
          skip:
            name === 'SQLite' &&
            "SQLite's writer lock is the file's, and waits synchronously: two processes are tested in test/multi and test/durability",
        },
        async () => {
          const at = await location();
          const a = await open(at);
          const b = await open(at);
          await a.db
            .insertInto('users')
            .values({ id: 'c', email: 'c@example.org', name: '0', password_hash: 'x', is_admin: 0, created_at: 'n' })
            .execute();
          // Each change reads the counter, waits, and writes it plus one: without one writer at a time, two
          // would read the same value and one increment would be lost.
          const increment = (engine: Engine) =>
            engine.db.transaction().execute(async (trx) => {
              await engine.beginWrite(trx);
              const { name } = await trx
                .selectFrom('users')
                .select('name')
                .where('id', '=', 'c')
                .executeTakeFirstOrThrow();
              await new Promise((resolve) => setTimeout(resolve, 5));
              await trx
                .updateTable('users')
                .set({ name: String(Number(name) + 1) })
                .where('id', '=', 'c')
                .execute();
              await engine.endWrite(trx);
            });
          const runs = 10;
          await Promise.all(Array.from({ length: runs }, (_, i) => increment(i % 2 === 0 ? a : b)));
          const { name } = await a.db
            .selectFrom('users')
            .select('name')
            .where('id', '=', 'c')
            .executeTakeFirstOrThrow();
          assert.equal(name, String(runs));
        },
      );
    },
  );
}

engineContract('SQLite', true, () => freshDatabase('contract'));
engineContract('PostgreSQL', Boolean(process.env.PARLEY_TEST_POSTGRES), () => newPostgresDatabase());
