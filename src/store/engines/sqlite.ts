import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.ts';
import { brokenRule, duplicateId, missingReference, type Db, type Engine, type OpenOptions } from '../engine.ts';
import { migrate } from '../migrate.ts';
import { ChangeClock, countingChanges } from '../read-cache.ts';

/** Most distinct statements kept prepared; Parley's queries are far fewer, generated ones included. */
const STATEMENT_CACHE_SIZE = 1000;
/** How often another process's commits are looked for while someone listens (`data_version`, a few microseconds). */
const LOOK_ELSEWHERE_MS = 150;

/**
 * better-sqlite3 as Kysely uses it, with each statement prepared once and reused: Kysely's driver
 * prepares every query anew, and preparing was the largest single cost of a read in the profile.
 * A prepared statement is safe to reuse because better-sqlite3 runs each to completion synchronously.
 */
function reusingStatements(database: SqliteDatabase.Database): SqliteDatabase.Database {
  const prepared = new Map<string, SqliteDatabase.Statement>();
  const prepare = (source: string) => {
    let statement = prepared.get(source);
    if (!statement) {
      statement = database.prepare(source);
      if (prepared.size >= STATEMENT_CACHE_SIZE) prepared.delete(prepared.keys().next().value!);
      prepared.set(source, statement);
    }
    return statement;
  };
  return new Proxy(database, {
    get: (target, property) => {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Opens (and creates when missing) an SQLite database file with write-ahead logging and foreign keys
 * on, and brings its schema up to date.
 *
 * @example
 * const engine = await openSqlite('parley.db');
 * const verdict = await engine.integrityCheck(); // [] when sound
 */
export async function openSqlite(file: string, options: OpenOptions = {}): Promise<Engine> {
  let database: SqliteDatabase.Database;
  try {
    database = new SqliteDatabase(file);
    database.pragma('journal_mode = WAL');
    // Every commit reaches the disk before it is answered, whatever the build's default for WAL
    // (NORMAL, safe against a crash of the process but not of the machine): group commit pays for it.
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new Error(`cannot open the database file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Moves whenever another connection (another process on the same file) commits.
  const dataVersion = database.prepare('select data_version as v from pragma_data_version').pluck();
  const version = () => dataVersion.get() as number;
  // Asked once per turn of the event loop, not per request: reading data_version takes SQLite's
  // WAL read lock, and per request it was a fifth of a document read's time in the profile. The
  // other process on an SQLite file is the `parley` command, whose changes a screen hears of anyway.
  const clock = new ChangeClock(version, false);
  const db: Db = new Kysely<Database>({
    dialect: countingChanges(new SqliteDialect({ database: reusingStatements(database) }), clock),
  });
  await migrate(db, options.migrateTo);

  const listeners = new Set<(negotiationIds: (string | null)[]) => void>();
  let timer: NodeJS.Timeout | null = null;
  let seen = 0;
  const look = () => {
    if (!database.open) return;
    const now = version();
    if (now === seen) return;
    seen = now;
    // SQLite says that another connection committed, not what: every screen looks again.
    for (const listener of listeners) listener([null]);
  };

  return {
    name: 'sqlite',
    location: file,
    db,
    clock,
    beginWrite: async () => {},
    // SQLite refuses to commit a transaction that ended: the commit itself fails.
    endWrite: async () => {},
    announce: async () => {},
    onChangeElsewhere(listener) {
      listeners.add(listener);
      if (!timer) {
        seen = version();
        timer = setInterval(look, LOOK_ELSEWHERE_MS);
        timer.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = null;
        }
      };
    },
    constraintError,
    failsTheTransaction(error) {
      const code = sqliteCode(error);
      return code !== null && !code.startsWith('SQLITE_CONSTRAINT');
    },
    async integrityCheck() {
      const problems = (database.pragma('integrity_check') as { integrity_check: string }[])
        .map((row) => row.integrity_check)
        .filter((line) => line !== 'ok');
      for (const row of database.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[])
        problems.push(`row ${row.rowid} of ${row.table} refers to a missing row of ${row.parent}`);
      return problems;
    },
    async close() {
      if (timer) clearInterval(timer);
      listeners.clear();
      await db.destroy();
    },
  };
}

function sqliteCode(error: unknown): string | null {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

function constraintError(error: unknown) {
  const code = sqliteCode(error);
  if (code === null || !code.startsWith('SQLITE_CONSTRAINT')) return null;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return duplicateId();
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return missingReference();
  return brokenRule();
}
