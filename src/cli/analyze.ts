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
      'analyse a negotiation of this database instead, on its own issues, preferences and red lines',
    )
    .option('--negotiation <id>', 'with --db: the negotiation')
    .option('--as <email>', 'with --db: as this account sees it (default: everything, as the database operator)')
    .option('--version <id>', 'with --db: the version to assess (default: the current one)')
    .option(
      '--reservation <values>',
      "reservation values, comma-separated, one per profile (default: each profile's own)",
    )
    .option('--json', 'write the analysis as JSON to stdout')
    .option('--draft <package>', 'score a draft package: "Issue=Option; Issue=Option; …" (every issue)')
    .addOption(
      new Option('--strategy <name>', 'frontier algorithm')
        .choices(['auto', 'merge', 'search', 'enumerate'])
        .default('auto'),
    )
    .option('--limit <n>', 'frontier rows to print (text output)', '20')
    .action(async (files: string[], options: AnalyzeOptions, command: Command) => {
      if (options.db !== undefined) {
        if (!options.negotiation) throw new CliError('with --db, name the negotiation with --negotiation');
        if (files.length > 0) throw new CliError('give GENIUS files, or --db with --negotiation, not both');
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
      const { analyzeGenius } = await import('./analyze-genius.ts');
      // The command's output stream: stdout, unless a caller configured another (test/analysis/cli-json.ts).
      const output = command.configureOutput();
      analyzeGenius(files, options, (chunk) =>
        output.writeOut ? output.writeOut(chunk) : process.stdout.write(chunk),
      );
    });
}
