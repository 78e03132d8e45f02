// What the commands share. Like every module a command's definition imports, it loads nothing heavy
// at the top: the store (Kysely, SQLite) and the demo are imported when a command opens a database.
import type { NegotiationContext, Store } from '../store/store.ts';
import { CliError, EXIT } from './errors.ts';

export const DEFAULT_DB = './parley.db';

/** The `--db` option every command that opens the database takes. */
export const DB_OPTION = [
  '--db <location>',
  `the database: an SQLite file, or a PostgreSQL URL (postgres://user:password@host:port/name); default: DATABASE_URL, or ${DEFAULT_DB}`,
] as const;

/** Where the database is: --db, else DATABASE_URL, else ./parley.db. */
export function databaseLocation(option: string | undefined): string {
  return option ?? (process.env.DATABASE_URL || DEFAULT_DB);
}

/** Opens the database named by --db (or DATABASE_URL), with a message that says what to do when it cannot. */
export async function openStore(option: string | undefined): Promise<Store> {
  const { Store } = await import('../store/store.ts');
  try {
    return await Store.open(databaseLocation(option));
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), EXIT.failed);
  }
}

/**
 * The negotiation as the account named by --as sees it, or (without --as) as the operator who holds
 * the database sees all of it; --negotiation names it, else the only one the reader takes part in.
 */
export async function readerContext(
  store: Store,
  options: { as?: string; negotiation?: string },
): Promise<NegotiationContext> {
  const [{ userByEmail }, { listNegotiations }] = await Promise.all([
    import('../store/accounts.ts'),
    import('../store/negotiations.ts'),
  ]);
  const reader = options.as ? await userByEmail(store, options.as) : null;
  if (options.as && !reader) throw new CliError(`no account has the e-mail ${options.as}`);
  let negotiationId = options.negotiation;
  if (!negotiationId) {
    const all = reader
      ? await listNegotiations(store, reader)
      : await store.db.selectFrom('negotiations').select('id').orderBy('created_at').execute();
    const who = reader ? `${reader.email} takes part in` : 'the database holds';
    if (all.length !== 1)
      throw new CliError(
        all.length === 0
          ? `${who} no negotiation`
          : `${who} ${all.length} negotiations; choose one with --negotiation (${all.map((n) => n.id).join(', ')})`,
      );
    negotiationId = all[0]!.id;
  }
  // Without --as, the operator who holds the database file sees all of it.
  return reader ? store.context(reader, negotiationId) : store.operatorContext(negotiationId);
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
