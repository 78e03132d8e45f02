import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from 'kysely';
import { migrations, type Database } from './schema.ts';

export type Db = Kysely<Database>;

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Opens (and creates when missing) an SQLite database file with write-ahead logging and foreign keys
 * on, and brings its schema up to date.
 */
export async function openSqlite(file: string): Promise<Db> {
  let database: SqliteDatabase.Database;
  try {
    database = new SqliteDatabase(file);
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new Error(`cannot open the database file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  await migrate(db);
  return db;
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
