import { Command, CommanderError } from 'commander';
import { analyzeCommand } from './analyze.ts';
import { auditCommand } from './audit.ts';
import { backupCommand, migrateCommand, restoreCommand } from './backup.ts';
import { demoCommand } from './demo.ts';
import { diffCommand } from './diff.ts';
import { amendCommand, consolidateCommand } from './amend.ts';
import { inviteCommand, membersCommand, negotiationCommand } from './convene.ts';
import { CliError, EXIT } from './errors.ts';
import { exportCommand } from './export.ts';
import { importCommand } from './import.ts';
import { serveCommand } from './serve.ts';
import { statusCommand } from './status.ts';
import { userCommand } from './user.ts';

/**
 * Builds the `parley` program. Each subcommand lives in its own module under src/cli, which defines
 * its arguments and options and imports only light modules at the top: what an action needs (the
 * store with Kysely and SQLite, the server with Fastify and zod, the demo) it imports when it runs.
 * So `parley --help` and `parley analyze --genius …` load none of it (test/cli/startup.test.ts).
 */
export function buildProgram(): Command {
  const program = new Command('parley')
    .description('Parley: negotiate one structured agreement among several parties, with a mediator.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  for (const command of [
    serveCommand(),
    demoCommand(),
    exportCommand(),
    importCommand(),
    diffCommand(),
    amendCommand(),
    consolidateCommand(),
    statusCommand(),
    analyzeCommand(),
    auditCommand(),
    backupCommand(),
    restoreCommand(),
    migrateCommand(),
    userCommand(),
    negotiationCommand(),
    inviteCommand(),
    membersCommand(),
  ])
    program.addCommand(command);
  const settle = (command: Command) => {
    command.exitOverride().showHelpAfterError('(run with --help for usage)');
    command.commands.forEach(settle);
  };
  settle(program);
  return program;
}

/** Runs the command line and returns the process exit code: 0 ok, 1 check failed, 2 usage error. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? EXIT.ok : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`parley: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`parley: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}
