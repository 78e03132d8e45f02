import { Command, Option } from 'commander';
import type { AnalyzeOptions } from './analyze-genius.ts';
import { CliError } from './errors.ts';

/** `parley analyze`: the settlement engine on GENIUS files. */
export function analyzeCommand(): Command {
  return new Command('analyze')
    .description('Pareto frontier, Nash, Kalai-Smorodinsky, max-welfare and egalitarian points of a negotiation domain')
    .argument('[files...]', 'GENIUS domain file and profile files (recognised by their root element)')
    .option('--genius', 'read GENIUS XML files')
    .option(
      '--db <file>',
      'analyse a negotiation of this database (an SQLite file or a PostgreSQL URL) instead, on its own issues, preferences and red lines',
    )
    .option('--negotiation <id>', 'with --db: the negotiation')
    .option('--as <email>', 'with --db: as this account sees it (default: everything, as the database operator)')
    .option('--version <id>', 'with --db: the version to assess (default: the current one)')
    .option(
      '--reservation <values>',
      "reservation values, comma-separated, one per profile (default: each profile's own)",
    )
    .option(
      '--json',
      'write the analysis as JSON to stdout (the whole frontier up to 2,000 vectors, a sample spread along it beyond)',
    )
    .option(
      '--stream',
      'with --genius: write the whole Pareto frontier to stdout as NDJSON, a vector a line, progress on stderr',
    )
    .option('--draft <package>', 'score a draft package: "Issue=Option; Issue=Option; …" (every issue)')
    .addOption(
      new Option('--strategy <name>', 'frontier algorithm')
        .choices(['auto', 'merge', 'search', 'enumerate'])
        .default('auto'),
    )
    .option('--limit <n>', 'frontier rows to print (text output)', '20')
    .option(
      '--budget <seconds>',
      'time budget of the bargaining-point search: past it, each point says whether it is proved or the best found and its gap (0: none)',
      '10',
    )
    .option('--time-limit <seconds>', 'with --genius: stop the analysis after this many seconds (0: no limit)', '60')
    .option(
      '--memory-limit <MB>',
      'with --genius: stop the analysis past this much memory, in megabytes (0: no limit)',
      '2048',
    )
    .action(async (files: string[], options: AnalyzeOptions, command: Command) => {
      if (options.db !== undefined) {
        if (!options.negotiation) throw new CliError('with --db, name the negotiation with --negotiation');
        if (files.length > 0) throw new CliError('give GENIUS files, or --db with --negotiation, not both');
        if (options.stream)
          throw new CliError(
            '--stream lists the frontier of GENIUS files; with --db, use GET …/analyses/{id}/frontier',
          );
        const { analyzeNegotiationCommand } = await import('./convene.ts');
        return analyzeNegotiationCommand({
          db: options.db,
          negotiation: options.negotiation,
          as: options.as,
          version: options.version,
          json: options.json,
        });
      }
      if (files.length === 0)
        throw new CliError('give a GENIUS domain and its profiles, or --db FILE --negotiation ID');
      // The command's output stream: stdout, unless a caller configured another (test/analysis/cli-json.ts).
      const output = command.configureOutput();
      const write = (chunk: string) => (output.writeOut ? output.writeOut(chunk) : process.stdout.write(chunk));
      const seconds = limitValue('--time-limit', options.timeLimit ?? '60');
      const memoryMb = limitValue('--memory-limit', options.memoryLimit ?? '2048');
      if (seconds === 0 && memoryMb === 0) {
        const { analyzeGenius } = await import('./analyze-genius.ts');
        return analyzeGenius(files, options, write);
      }
      const { analyzeGeniusLimited } = await import('./analyze-limited.ts');
      await analyzeGeniusLimited(files, options, { seconds, memoryMb }, write);
    });
}

/** A limit given on the command line: a whole number, 0 for none. */
function limitValue(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 2_000_000)
    throw new CliError(`${flag}: "${text}" is not a whole number from 0 (no limit) to 2,000,000`);
  return value;
}
