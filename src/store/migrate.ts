import { Migrator, type MigrationProvider } from 'kysely';
import type { Db } from './engine.ts';
import { migrations } from './schema.ts';

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Applies every migration not applied yet (or those up to `upTo`, by name); fails with the
 * migration's name and cause. The same migrations run on both engines; Kysely's migration lock lets
 * one process at a time apply them.
 */
export async function migrate(db: Db, upTo?: string): Promise<void> {
  const migrator = new Migrator({ db, provider });
  if (upTo !== undefined) {
    // Never down: a database past `upTo` stays as it is, and says so.
    const known = Object.keys(migrations);
    const applied = (await migrator.getMigrations()).filter((m) => m.executedAt !== undefined).map((m) => m.name);
    const beyond = applied.filter((name) => known.indexOf(name) > known.indexOf(upTo));
    if (beyond.length > 0) throw new Error(`the database has migration ${beyond.at(-1)} already, newer than ${upTo}`);
  }
  const { error, results } = await (upTo === undefined ? migrator.migrateToLatest() : migrator.migrateTo(upTo));
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The names of the migrations this Parley knows, in order. */
export const migrationNames: readonly string[] = Object.keys(migrations);
