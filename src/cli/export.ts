import { Command, Option } from 'commander';
import { DomainError } from '../core/errors.ts';
import { versionMarkdown } from '../core/markdown.ts';
import { DEMO_ADMIN_EMAIL } from '../demo/load.ts';
import type { Store } from '../store/store.ts';
import { CliError, EXIT } from './errors.ts';
import { DEFAULT_DB, openStore } from './shared.ts';

/** `parley export`: a version as Markdown, as one account sees it. */
export function exportCommand(): Command {
  return new Command('export')
    .description('Print a version as Markdown: numbered points, brackets UN-style, and the positions on each point the account may see')
    .option('--db <file>', 'SQLite database file', DEFAULT_DB)
    .option('--negotiation <id>', 'negotiation id (default: the only one)')
    .option('--version <id>', 'version id (default: the current version)')
    .option('--as <email>', 'see it as this account (default: an administrator, who sees everything)')
    .addOption(new Option('--format <format>', 'output format').choices(['md']).default('md'))
    .action(async (options: { db: string; negotiation?: string; version?: string; as?: string }) => {
      const store = await openStore(options.db);
      try {
        process.stdout.write(await exportMarkdown(store, options));
      } catch (error) {
        if (error instanceof DomainError) throw new CliError(error.message, EXIT.failed);
        throw error;
      } finally {
        await store.close();
      }
    });
}

async function exportMarkdown(store: Store, options: { negotiation?: string; version?: string; as?: string }): Promise<string> {
  const reader = options.as ? await store.userByEmail(options.as) : await firstAdministrator(store);
  if (!reader) throw new CliError(options.as ? `no account has the e-mail ${options.as}` : `the database has no administrator; name an account with --as (e.g. ${DEMO_ADMIN_EMAIL})`);
  let negotiationId = options.negotiation;
  if (!negotiationId) {
    const all = await store.listNegotiations(reader);
    if (all.length !== 1) throw new CliError(all.length === 0 ? `${reader.email} takes part in no negotiation` : `there are ${all.length} negotiations; choose one with --negotiation (${all.map((n) => n.id).join(', ')})`);
    negotiationId = all[0]!.id;
  }
  const ctx = await store.context(reader, negotiationId);
  const version = await store.document(ctx, options.version);
  const positions = await store.listPositions(ctx, { versionId: version.id });
  return versionMarkdown(ctx.negotiation.title, version, positions, ctx.parties);
}

async function firstAdministrator(store: Store) {
  const row = await store.db.selectFrom('users').select('email').where('is_admin', '=', 1).orderBy('created_at').limit(1).executeTakeFirst();
  return row ? store.userByEmail(row.email) : null;
}
