import { Command } from 'commander';
import { EXIT } from './errors.ts';
import { DB_OPTION, openStore } from './shared.ts';
import { type StateVerdict, verifyAuditState } from '../store/audit-state.ts';

/** `parley audit verify`: walks the hash chain of the audit log and compares the state it describes with the tables. */
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
        const state = await verifyAuditState(store.db);
        process.stdout.write(stateReport(state));
        if (!state.ok) process.exitCode = EXIT.failed;
      } finally {
        await store.close();
      }
    });
  return audit;
}

/** The state check's verdict, one line, then one line per row that differs. */
export function stateReport(state: StateVerdict): string {
  const rows = Object.values(state.rows).reduce((a, b) => a + b, 0);
  if (state.ok)
    return `state: matches the log (${rows} rows of ${Object.keys(state.rows).length} tables rebuilt from it)\n`;
  return [
    `state: ${state.differences.length} row${state.differences.length === 1 ? '' : 's'} differ${state.differences.length === 1 ? 's' : ''} from what the log describes`,
    ...state.differences.map((d) => `  ${d.detail}`),
  ]
    .join('\n')
    .concat('\n');
}
