import { Migrator, type MigrationProvider } from 'kysely';
import type { Db } from './engine.ts';
import { migrations } from './schema.ts';

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Applies every migration not applied yet; fails with the migration's name and cause. The same
 * migrations run on both engines; Kysely's migration lock lets one process at a time apply them.
 */
export async function migrate(db: Db): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
