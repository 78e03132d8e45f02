import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from 'kysely';
import { ChangeClock, countingChanges } from './read-cache.ts';
import { migrations, type Database } from './schema.ts';

export type Db = Kysely<Database>;

/** Most distinct statements kept prepared; Parley's queries are far fewer, generated ones included. */
const STATEMENT_CACHE_SIZE = 1000;

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

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Opens (and creates when missing) an SQLite database file with write-ahead logging and foreign keys
 * on, and brings its schema up to date.
 */
export async function openSqlite(file: string): Promise<{ db: Db; clock: ChangeClock }> {
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
  const clock = new ChangeClock(() => dataVersion.get() as number);
  const db = new Kysely<Database>({
    dialect: countingChanges(new SqliteDialect({ database: reusingStatements(database) }), clock),
  });
  await migrate(db);
  return { db, clock };
}

/** Applies every migration not applied yet; fails with the migration's name and cause. */
export async function migrate(db: Db): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
