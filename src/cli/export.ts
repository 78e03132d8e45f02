import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { VERSION_FORMATS, versionFormat, type VersionFormat } from '../formats/index.ts';
import type { ExportInput } from '../formats/types.ts';
import type { Store } from '../store/store.ts';
import { CliError, EXIT, commandFailure } from './errors.ts';
import { DB_OPTION, openStore, readerContext } from './shared.ts';

interface ExportOptions {
  db?: string;
  negotiation?: string;
  version?: string;
  as?: string;
  format: string;
  lang?: string;
  compare?: string;
  out?: string;
}

/** `parley export`: a version as a file (Markdown, Word, …), as one account sees it. */
export function exportCommand(): Command {
  return new Command('export')
    .description(
      'Write a version as a file, as one account sees it: Markdown (numbered points, brackets UN-style, positions), Word (a cover, numbered points, brackets highlighted; with --compare, the changes as tracked changes), and the other formats --format lists',
    )
    .option(...DB_OPTION)
    .option('--negotiation <id>', 'negotiation id (default: the only one)')
    .option('--version <id>', 'version id (default: the current version)')
    .option('--as <email>', 'see it as this account (default: everything in the database, as its operator)')
    .addOption(
      new Option('--format <format>', 'the file format')
        .choices([...VERSION_FORMATS.map((format) => format.name), 'genius'])
        .default('md'),
    )
    .option('--lang <language>', "the language of the text, one of the negotiation's (default: its drafting language)")
    .option('--compare <version>', 'show the changes from this version (Word: as tracked changes)')
    .option('--out <file>', 'write the file here instead of to the standard output')
    .action(async (options: ExportOptions) => {
      if (options.format === 'genius') return exportGenius(options);
      const format = versionFormat(options.format)!;
      refuseTerminal(format, options.out, process.stdout.isTTY === true);
      const store = await openStore(options.db);
      try {
        const file = await exportFile(store, format, options);
        if (options.out) {
          writeFileSync(options.out, file);
          process.stderr.write(`wrote ${options.out}\n`);
        } else process.stdout.write(file);
      } catch (error) {
        throw commandFailure(error);
      } finally {
        await store.close();
      }
    });
}

/**
 * `--format genius`: the negotiation's issues as a GENIUS domain and the preferences the account may
 * see as profiles, written into the directory --out names (by default one named after the negotiation).
 */
async function exportGenius(options: ExportOptions): Promise<void> {
  if (options.lang || options.compare || options.version)
    throw new CliError(
      'a GENIUS domain is made of the issues and preferences, not of a version: leave out --version, --lang and --compare',
      EXIT.usage,
    );
  const { exportGeniusToDirectory } = await import('./genius.ts');
  const store = await openStore(options.db);
  try {
    const paths = await exportGeniusToDirectory(store, options);
    process.stderr.write(`wrote ${paths.join(', ')}\n`);
  } catch (error) {
    throw commandFailure(error);
  } finally {
    await store.close();
  }
}

/** Whether a format's file is bytes a terminal cannot show (Word, PDF, zip archives), not text. */
export function isBinary(format: Pick<VersionFormat, 'mediaType' | 'kind'>): boolean {
  return format.kind === 'print' || !/^text\/|[+/]xml\b|json/.test(format.mediaType);
}

/** Refuses to write a binary file to a terminal, where it would be noise: --out or a redirection writes it. */
export function refuseTerminal(format: VersionFormat, out: string | undefined, terminal: boolean): void {
  if (isBinary(format) && !out && terminal)
    throw new CliError(
      `a ${format.name} file is not text to show in a terminal: write it with --out FILE.${format.extension}, or redirect the output (> FILE.${format.extension})`,
      EXIT.usage,
    );
}

async function exportFile(store: Store, format: VersionFormat, options: ExportOptions): Promise<string | Uint8Array> {
  const [{ document }, { exportInput }] = await Promise.all([
    import('../store/texts.ts'),
    import('../store/exports.ts'),
  ]);
  const ctx = await readerContext(store, options);
  const version = await document(store, ctx, options.version);
  const input = await exportInput(store, ctx, version.id, {
    lang: options.lang,
    compare: options.compare,
    now: store.nowIso(),
  });
  if (format.kind === 'print') return printed(format, input);
  return format.render(input);
}

/** A print format's page printed to its file by Chromium, as the server prints it (`server/pdf.ts`). */
async function printed(format: VersionFormat, input: ExportInput): Promise<Uint8Array> {
  const { printVersion, closePrinter, PrintUnavailable } = await import('../server/pdf.ts');
  try {
    return await printVersion(format, input);
  } catch (error) {
    if (error instanceof PrintUnavailable) throw new CliError(error.message, EXIT.failed);
    throw error;
  } finally {
    await closePrinter();
  }
}
