import { Command } from 'commander';
import { CliError, EXIT } from './errors.ts';
import { printableLocation } from '../store/engine.ts';
import { openStore } from './shared.ts';

/** `parley demo`: loads the Geneva demo into a database. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('Load the Geneva demo negotiation (November 2025, the 28-point plan) into a database')
    .requiredOption(
      '--db <location>',
      'the database: an SQLite file (created when missing), or a PostgreSQL URL (postgres://…)',
    )
    .action(async (options: { db: string }) => {
      const [{ loadScenario }, { genevaScenario }] = await Promise.all([
        import('../demo/load.ts'),
        import('../demo/geneva.ts'),
      ]);
      const store = await openStore(options.db);
      try {
        await loadScenario(store, genevaScenario);
      } catch (error) {
        throw new CliError(error instanceof Error ? error.message : String(error), EXIT.failed);
      } finally {
        await store.close();
      }
      process.stdout.write(`Loaded "${genevaScenario.negotiation.title}" into ${printableLocation(options.db)}\n`);
    });
}
