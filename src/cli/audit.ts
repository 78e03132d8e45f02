import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { StateVerdict } from '../store/audit-state.ts';
import { CliError, EXIT } from './errors.ts';
import { DB_OPTION, databaseLocation, openStore } from './shared.ts';

/** `parley audit verify`: walks the hash chain of the audit log and compares the state it describes with the tables. */
export function auditCommand(): Command {
  const audit = new Command('audit').description('Check the audit log');
  audit
    .command('verify')
    .description('Walk the audit chain and name the first event that does not match (exit 1 when one does not)')
    .option(...DB_OPTION)
    .option('--receipt <files...>', 'also check receipts a party kept (JSON files downloaded from Parley)')
    .option(
      '--public-key <file>',
      "the audit key's public key (PEM) to check receipts' signatures with; default: the installation's key file",
    )
    .action(async (options: { db?: string; receipt?: string[]; publicKey?: string }) => {
      // Loaded when the command runs: `parley --help` loads no store.
      const [{ auditKeyFile, loadAuditKey }, { verifyReceipt }, { verifyAuditState }] = await Promise.all([
        import('../store/audit-key.ts'),
        import('../store/audit-receipts.ts'),
        import('../store/audit-state.ts'),
      ]);
      const store = await openStore(options.db);
      try {
        if (options.receipt?.length) {
          const publicKeyPem = receiptPublicKey(
            options.publicKey,
            databaseLocation(options.db),
            auditKeyFile,
            loadAuditKey,
          );
          for (const file of options.receipt) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(readFileSync(file, 'utf8'));
            } catch (error) {
              parsed = { unreadable: error instanceof Error ? error.message : String(error) };
            }
            const verdict = await verifyReceipt(store.db, parsed, publicKeyPem);
            process.stdout.write(
              `receipt ${file}: ${verdict.ok ? `holds: ${verdict.detail}` : `FAILS: ${verdict.reason}`}\n`,
            );
            if (!verdict.ok) process.exitCode = EXIT.failed;
          }
        }
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

/** The public key receipts are checked with: the file given, else the installation's key file (never made here). */
function receiptPublicKey(
  file: string | undefined,
  location: string,
  auditKeyFile: (location: string) => string,
  loadAuditKey: (file: string) => { publicKeyPem: string },
): string | null {
  if (file !== undefined) {
    if (!existsSync(file)) throw new CliError(`--public-key: there is no file ${file}`, EXIT.usage);
    return readFileSync(file, 'utf8');
  }
  const keyFile = auditKeyFile(location);
  return existsSync(keyFile) ? loadAuditKey(keyFile).publicKeyPem : null;
}
