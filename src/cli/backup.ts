import { Command } from 'commander';
import { CliError, EXIT } from './errors.ts';
import { DB_OPTION, databaseLocation, openStore } from './shared.ts';

// Like every command's definition, this imports nothing heavy at the top: the store's backup code
// (src/store/backup.ts) is imported when a command runs.

/** A failure of the backup code, as one line on stderr with exit code 1. */
async function reported<T>(work: () => Promise<T>): Promise<T> {
  const { BackupError } = await import('../store/backup.ts');
  try {
    return await work();
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(error.message, EXIT.failed);
    throw error;
  }
}

function total(counts: Record<string, number>): string {
  const rows = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return `${Object.keys(counts).length} tables, ${rows} rows`;
}

/** Says how the restored database checked out; exit code 1 when it did not. */
function tell(summary: { counts: Record<string, number>; audit: { ok: boolean; events: number }; problems: string[] }) {
  const { audit, problems } = summary;
  if (audit.ok) process.stdout.write(`audit log intact: ${audit.events} events, every hash matches\n`);
  else {
    process.stdout.write(`audit log broken: ${JSON.stringify(audit)}\n`);
    process.exitCode = EXIT.failed;
  }
  if (problems.length > 0) {
    process.stdout.write(`the database's integrity check found problems:\n${problems.join('\n')}\n`);
    process.exitCode = EXIT.failed;
  }
}

/** `parley backup`: every row of the database, in one consistent snapshot, to one file. */
export function backupCommand(): Command {
  return new Command('backup')
    .description(
      'Write a backup of the whole database (SQLite or PostgreSQL) to one file, read in one consistent snapshot while Parley keeps serving; `parley restore` reads it into either engine',
    )
    .option(...DB_OPTION)
    .requiredOption('--out <file>', 'the backup file to write (gzip-compressed JSON lines), e.g. parley.backup.gz')
    .action(async (options: { db?: string; out: string }) => {
      const store = await openStore(options.db);
      try {
        const { writeBackup } = await import('../store/backup.ts');
        const summary = await reported(() => writeBackup(store.engine, options.out));
        process.stdout.write(
          `Backed up ${store.engine.location} (${summary.engine}, migration ${summary.migrations.at(-1)}) to ${summary.file}: ${total(summary.counts)}\n`,
        );
      } finally {
        await store.close();
      }
    });
}

/** `parley restore`: a backup into a new, empty database. */
export function restoreCommand(): Command {
  return new Command('restore')
    .description(
      'Restore a backup made by `parley backup` into a new, empty database (SQLite or PostgreSQL, whichever the backup came from), in one transaction, then verify its audit log',
    )
    .option(...DB_OPTION)
    .requiredOption('--from <file>', 'the backup file, as `parley backup --out` wrote it')
    .action(async (options: { db?: string; from: string }) => {
      const { readBackup, restore } = await import('../store/backup.ts');
      const summary = await reported(() => restore(databaseLocation(options.db), readBackup(options.from)));
      process.stdout.write(`Restored ${options.from} into ${summary.location}: ${total(summary.counts)}\n`);
      tell(summary);
    });
}

/** `parley migrate`: a whole database into an empty one on another engine. */
export function migrateCommand(): Command {
  return new Command('migrate')
    .description(
      'Copy a whole database into a new, empty one, e.g. from SQLite to PostgreSQL, then check that every table has as many rows on both sides and that the audit log verifies',
    )
    .requiredOption('--from <location>', 'the database to copy: an SQLite file (or a PostgreSQL URL)')
    .requiredOption(
      '--to <location>',
      'the empty database to fill: a PostgreSQL URL (postgres://user:password@host:port/name), or an SQLite file not made yet',
    )
    .action(async (options: { from: string; to: string }) => {
      const { migrateDatabase } = await import('../store/backup.ts');
      const summary = await reported(() => migrateDatabase(options.from, options.to));
      process.stdout.write(`Copied ${summary.from} into ${summary.location}: ${total(summary.counts)}\n`);
      if (summary.mismatches.length > 0) {
        process.stdout.write(`tables whose rows differ in number:\n${summary.mismatches.join('\n')}\n`);
        process.exitCode = EXIT.failed;
      }
      tell(summary);
    });
}
