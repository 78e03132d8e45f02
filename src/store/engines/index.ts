import { isPostgresLocation, type Engine, type OpenOptions } from '../engine.ts';

/**
 * Opens the database at `location`: a PostgreSQL URL (`postgres://…`) or an SQLite file (created
 * when missing), and brings its schema up to date.
 *
 * @example
 * const engine = await openEngine(process.env.DATABASE_URL ?? 'parley.db');
 */
export async function openEngine(location: string, options: OpenOptions = {}): Promise<Engine> {
  if (isPostgresLocation(location)) {
    const { openPostgres } = await import('./postgres.ts');
    return openPostgres(location, options);
  }
  const { openSqlite } = await import('./sqlite.ts');
  return openSqlite(location, options);
}
