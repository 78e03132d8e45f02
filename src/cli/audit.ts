import { Command } from 'commander';
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { CliError, EXIT } from './errors.ts';
import { databaseLocation, DB_OPTION, openStore } from './shared.ts';
import type { StateVerdict } from '../store/audit-state.ts';

/** The public key to check checkpoints with: --public-key, else the audit key file beside the database; null when neither. */
async function publicKey(option: string | undefined, location: string): Promise<string | null> {
  const { auditKeyFile } = await import('../store/audit-key.ts');
  const file = option ?? auditKeyFile(location);
  if (option === undefined && !existsSync(file)) return null;
  try {
    return createPublicKey(readFileSync(file, 'utf8')).export({ type: 'spki', format: 'pem' }).toString();
  } catch (error) {
    throw new CliError(
      `${file} holds no public key (${error instanceof Error ? error.message : String(error)}): give the PEM served at GET /api/audit/key`,
      EXIT.usage,
    );
  }
}

function whole(value: string, name: string, least: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < least)
    throw new CliError(`${name} must be a whole number of at least ${least}, not "${value}"`);
  return n;
}

/** `parley audit verify`: walks the hash chain of the audit log and checks it against the signed checkpoints. */
export function auditCommand(): Command {
  const audit = new Command('audit').description('Check the audit log');
  audit
    .command('verify')
    .description(
      'Walk the audit chain, check it against the signed checkpoints and the state against the log, and name every event, checkpoint or row that does not match (exit 1 when one does not)',
    )
    .option(...DB_OPTION)
    .option(
      '--public-key <file>',
      "the installation's public key (PEM, from GET /api/audit/key or printed by parley serve); default: the audit key file (PARLEY_AUDIT_KEY_FILE, or beside an SQLite database)",
    )
    .option('--checkpoint-events <n>', 'the server signs every n events (as parley serve was told; default 100)')
    .option('--checkpoint-minutes <m>', 'and every m minutes (as parley serve was told; default 10)')
    .option('--receipt <files...>', 'also check receipts a party kept (JSON files downloaded from Parley)')
    .action(
      async (options: {
        db?: string;
        publicKey?: string;
        checkpointEvents?: string;
        checkpointMinutes?: string;
        receipt?: string[];
      }) => {
        // Loaded when the command runs: `parley --help` loads no store.
        const { DEFAULT_CADENCE } = await import('../store/audit-checkpoints.ts');
        const { verifyAuditLog } = await import('../store/audit-verify.ts');
        const { verifyAuditState } = await import('../store/audit-state.ts');
        const { verifyReceipt } = await import('../store/audit-receipts.ts');
        const cadence = {
          everyEvents:
            options.checkpointEvents === undefined
              ? DEFAULT_CADENCE.everyEvents
              : whole(options.checkpointEvents, '--checkpoint-events', 1),
          everyMinutes:
            options.checkpointMinutes === undefined
              ? DEFAULT_CADENCE.everyMinutes
              : whole(options.checkpointMinutes, '--checkpoint-minutes', 1),
        };
        const publicKeyPem = await publicKey(options.publicKey, databaseLocation(options.db));
        const store = await openStore(options.db);
        try {
          const report = await verifyAuditLog(store.db, { publicKeyPem: publicKeyPem ?? undefined, cadence });
          const { chain } = report;
          process.stdout.write(
            chain.ok
              ? `chain: audit log intact: ${chain.events} events, every hash matches\n`
              : `chain: audit log broken at event ${chain.seq}: ${chain.reason} (${chain.events} events before it are intact)\n`,
          );
          for (const finding of report.findings.filter((f) => f.check !== 'chain'))
            process.stdout.write(
              `checkpoints: ${finding.severity === 'failure' ? 'FAILED' : 'warning'}, ${finding.check}${finding.seq === null ? '' : ` (event ${finding.seq})`}: ${finding.message}\n`,
            );
          const last = report.lastCheckpoint;
          if (publicKeyPem && report.findings.every((f) => f.severity !== 'failure' || f.check === 'chain'))
            process.stdout.write(
              `checkpoints: ${report.checkpoints} signed, ${last ? `the last at event ${last.seq} (${last.at}, ${last.reason}, key ${last.keyId}) matches the log` : 'none yet'}\n`,
            );
          if (!report.ok) process.exitCode = EXIT.failed;
          const state = await verifyAuditState(store.db);
          process.stdout.write(stateReport(state));
          if (!state.ok) process.exitCode = EXIT.failed;
          for (const file of options.receipt ?? []) {
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
        } finally {
          await store.close();
        }
      },
    );
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
