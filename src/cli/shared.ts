// What the commands share. Like every module a command's definition imports, it loads nothing heavy
// at the top: the store (Kysely, SQLite) and the demo are imported when a command opens a database.
import type { Store } from '../store/store.ts';
import { CliError, EXIT } from './errors.ts';

export const DEFAULT_DB = './parley.db';

/** Opens the database named by --db, with a message that says what to do when it cannot. */
export async function openStore(file: string): Promise<Store> {
  const { Store } = await import('../store/store.ts');
  try {
    return await Store.open(file);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), EXIT.failed);
  }
}

/**
 * Loads the Geneva demo only into a database with no accounts at all: its accounts have a public
 * password, so a database that holds anyone real never receives them. Tells whether it loaded.
 */
export async function loadDemoIfEmpty(store: Store): Promise<boolean> {
  const account = await store.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  const negotiation = await store.db.selectFrom('negotiations').select('id').limit(1).executeTakeFirst();
  if (account || negotiation) return false;
  const [{ loadScenario }, { genevaScenario }] = await Promise.all([
    import('../demo/load.ts'),
    import('../demo/geneva.ts'),
  ]);
  await loadScenario(store, genevaScenario);
  return true;
}

/** Parses a TCP port given on the command line or in PORT. */
export function parsePort(value: string, from: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`${from} must be a port number between 0 and 65535, not "${value}"`);
  return port;
}
