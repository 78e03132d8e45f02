import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from '../schema.ts';
import {
  brokenRule,
  duplicateId,
  isUnstorableText,
  missingReference,
  printableLocation,
  unstorableText,
  type Db,
  type Engine,
  type OpenOptions,
} from '../engine.ts';
import { migrate } from '../migrate.ts';
import { ChangeClock, countingChanges } from '../read-cache.ts';

/** The channel on which Parley's processes tell each other what they changed. */
const CHANNEL = 'parley_changes';
/** The key of the lock every change takes (PostgreSQL's advisory locks are numbered): "parley" in ASCII. */
const WRITE_LOCK = 0x7061726c6579;
/** NOTIFY carries at most 8,000 bytes; a longer list is sent as "something changed". */
const NOTIFY_LIMIT = 7000;
/** How long the listener waits before it connects again after losing its connection. */
const RECONNECT_MS = 500;

/** Error classes that lose the whole transaction: connection, rollback (deadlock, serialisation), resources, operator, system. */
const TRANSACTION_LOST = /^(08|25|40|53|54|55|57|58|XX)/;

/**
 * Opens a PostgreSQL database and brings its schema up to date. The pool's size comes from
 * `PARLEY_PG_POOL` (default 10 connections per process).
 *
 * @example
 * const engine = await openPostgres('postgres://parley@127.0.0.1:5432/parley');
 */
export async function openPostgres(url: string, options: OpenOptions = {}): Promise<Engine> {
  const location = printableLocation(url);
  const poolSize = Number(process.env.PARLEY_PG_POOL ?? 10);
  const pool = new pg.Pool({
    connectionString: url,
    max: Number.isInteger(poolSize) && poolSize > 0 ? poolSize : 10,
    // Counts and sequence numbers are 64-bit integers: Parley's stay far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server closed is dropped by the pool; without a listener it would crash the process.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new Error(
      `cannot reach the PostgreSQL database ${location}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const me = randomUUID();
  // What every other Parley process on the database has changed: each counts its own commits in its
  // own row of parley_clock, in the transaction that commits them. The sum of the other rows moves
  // whenever another process commits, never when this one does (its own writes are counted per
  // table, as on SQLite), and never goes back. Asked once per turn of the event loop, and again for
  // each request from the network. A write made outside Parley (by hand, in psql) is not counted:
  // restart the servers after one.
  const clock = new ChangeClock(async () => {
    const { rows } = await pool.query<{ v: string }>(
      'select coalesce(sum(changes), 0)::text as v from parley_clock where process <> $1',
      [me],
    );
    return rows[0]!.v;
  });
  const db: Db = new Kysely<Database>({ dialect: countingChanges(new PostgresDialect({ pool }), clock) });
  await migrate(db, options.migrateTo);
  await pool.query('create table if not exists parley_clock (process text primary key, changes bigint not null)');

  const listeners = new Set<(negotiationIds: (string | null)[]) => void>();
  let listener: pg.Client | null = null;
  let closed = false;
  const tell = (ids: (string | null)[]) => {
    for (const each of listeners) each(ids);
  };
  const listen = async (): Promise<void> => {
    if (closed || listener || listeners.size === 0) return;
    const client = new pg.Client({ connectionString: url });
    listener = client;
    const lost = () => {
      if (listener !== client) return;
      listener = null;
      client.end().catch(() => {});
      if (closed || listeners.size === 0) return;
      // Whatever was said while it was away is unknown: every screen looks again.
      tell([null]);
      setTimeout(() => void listen(), RECONNECT_MS).unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        const { from, ids } = JSON.parse(message.payload) as { from: string; ids: (string | null)[] };
        if (from !== me) tell(ids);
      } catch {
        tell([null]);
      }
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
    } catch {
      lost();
    }
  };

  return {
    name: 'postgres',
    location,
    connectionUrl: url,
    db,
    clock,
    async beginWrite(trx: Transaction<Database>) {
      await sql`select pg_advisory_xact_lock(${sql.lit(WRITE_LOCK)})`.execute(trx);
    },
    async endWrite(trx: Transaction<Database>) {
      // Counts the commit for the other processes' clocks, and checks in the same round trip that
      // the write lock is still held (it is until the transaction ends: not holding it means it
      // ended early).
      const { rows } = await sql<{ held: boolean }>`
        with counted as (
          insert into parley_clock (process, changes) values (${me}, 1)
          on conflict (process) do update set changes = parley_clock.changes + 1 returning 1
        )
        select exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()
          and granted and ((classid::bigint << 32) | objid::bigint) = ${sql.lit(WRITE_LOCK)}) as held
        from counted`.execute(trx);
      if (!rows[0]?.held)
        throw Object.assign(new Error('the transaction ended before its changes were committed'), { code: '25P01' });
    },
    async announce(trx, negotiationIds) {
      let payload = JSON.stringify({ from: me, ids: [...negotiationIds] });
      if (payload.length > NOTIFY_LIMIT) payload = JSON.stringify({ from: me, ids: [null] });
      await sql`select pg_notify(${CHANNEL}, ${payload})`.execute(trx);
    },
    onChangeElsewhere(each) {
      listeners.add(each);
      void listen();
      return () => {
        listeners.delete(each);
        if (listeners.size === 0 && listener) {
          const client = listener;
          listener = null;
          client.end().catch(() => {});
        }
      };
    },
    constraintError(error) {
      const code = pgCode(error);
      if (isUnstorableText(error)) return unstorableText();
      if (code === '23505') return duplicateId();
      if (code === '23503') return missingReference();
      if (code?.startsWith('23')) return brokenRule();
      return null;
    },
    failsTheTransaction(error) {
      const code = pgCode(error);
      return code !== null && TRANSACTION_LOST.test(code);
    },
    async integrityCheck() {
      const problems: string[] = [];
      // amcheck (shipped with PostgreSQL) verifies every B-tree index against its table.
      try {
        await sql`create extension if not exists amcheck`.execute(db);
      } catch {
        return problems;
      }
      const { rows } = await sql<{ name: string; oid: number }>`
        select c.relname as name, c.oid::int as oid from pg_index i
        join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
        join pg_namespace n on n.oid = c.relnamespace
        where a.amname = 'btree' and n.nspname = current_schema()`.execute(db);
      for (const index of rows) {
        try {
          await sql`select bt_index_check(${index.oid}::oid, true)`.execute(db);
        } catch (error) {
          problems.push(`index ${index.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return problems;
    },
    async close() {
      closed = true;
      listeners.clear();
      if (listener) await listener.end().catch(() => {});
      listener = null;
      await db.destroy();
    },
  };
}

function pgCode(error: unknown): string | null {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}
