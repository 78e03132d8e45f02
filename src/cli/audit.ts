import { Command } from 'commander';
import { EXIT } from './errors.ts';
import { DB_OPTION, openStore } from './shared.ts';

/** `parley audit verify`: walks the hash chain of the audit log. */
export function auditCommand(): Command {
  const audit = new Command('audit').description('Check the audit log');
  audit
    .command('verify')
    .description('Walk the audit chain and name the first event that does not match (exit 1 when one does not)')
    .option(...DB_OPTION)
    .action(async (options: { db?: string }) => {
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
