import { Command, Option } from 'commander';
import { DomainError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { CliError, EXIT } from './errors.ts';
import { DB_OPTION, openStore, readerContext } from './shared.ts';

/** `parley export`: a version as Markdown, as one account sees it. */
export function exportCommand(): Command {
  return new Command('export')
    .description(
      'Print a version as Markdown: numbered points, brackets UN-style, and the positions on each point the account may see',
    )
    .option(...DB_OPTION)
    .option('--negotiation <id>', 'negotiation id (default: the only one)')
    .option('--version <id>', 'version id (default: the current version)')
    .option('--as <email>', 'see it as this account (default: everything in the database, as its operator)')
    .addOption(new Option('--format <format>', 'output format').choices(['md']).default('md'))
    .option(
      '--lang <tag>',
      "the points' wording in this language of the negotiation (uk, ru…; default: the drafting language)",
    )
    .action(async (options: { db?: string; negotiation?: string; version?: string; as?: string; lang?: string }) => {
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

async function exportMarkdown(
  store: Store,
  options: { negotiation?: string; version?: string; as?: string; lang?: string },
): Promise<string> {
  const [{ versionMarkdown }, { listPositions }, { document }, { versionInLanguage }] = await Promise.all([
    import('../core/markdown.ts'),
    import('../store/positions.ts'),
    import('../store/texts.ts'),
    import('../core/languages.ts'),
  ]);
  const ctx = await readerContext(store, options);
  const version = versionInLanguage(await document(store, ctx, options.version), ctx.negotiation, options.lang);
  const positions = await listPositions(store, ctx, { versionId: version.id });
  return versionMarkdown(ctx.negotiation.title, version, positions, ctx.parties);
}
