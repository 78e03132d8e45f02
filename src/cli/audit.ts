import { Command } from 'commander';
import { EXIT } from './errors.ts';
import { DEFAULT_DB, openStore } from './shared.ts';

/** `parley audit verify`: walks the hash chain of the audit log. */
export function auditCommand(): Command {
  const audit = new Command('audit').description('Check the audit log');
  audit
    .command('verify')
    .description('Walk the audit chain and name the first event that does not match (exit 1 when one does not)')
    .option('--db <file>', 'SQLite database file', DEFAULT_DB)
    .action(async (options: { db: string }) => {
      const store = await openStore(options.db);
      try {
        const verdict = await store.verifyAudit();
        if (verdict.ok) {
          process.stdout.write(`audit log intact: ${verdict.events} events, every hash matches\n`);
        } else {
          process.stdout.write(
            `audit log broken at event ${verdict.seq}: ${verdict.reason} (${verdict.events} events before it are intact)\n`,
          );
          process.exitCode = EXIT.failed;
        }
      } finally {
        await store.close();
      }
    });
  return audit;
}
