import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Command } from 'commander';
import type { RecognisedText } from '../formats/types.ts';
import { CliError, EXIT, commandFailure } from './errors.ts';
import { DB_OPTION, openStore, readerContext } from './shared.ts';

interface ImportOptions {
  db?: string;
  negotiation?: string;
  as?: string;
  preview?: boolean;
  label?: string;
  title?: string;
  party?: string;
  type?: string;
  genius?: string[];
}

/** The media type a file is read as, by its extension, where --type does not say. */
const BY_EXTENSION: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  md: 'text/markdown',
  markdown: 'text/markdown',
  txt: 'text/plain',
  xml: 'application/xml',
  akn: 'application/akn+xml',
};

/**
 * `parley import FILE`: a numbered text from a Word file, Markdown or plain text, as a new version of
 * a negotiation (--negotiation) or a new negotiation; --preview shows what was recognised and saves
 * nothing. Other kinds of input add their options here (`--genius DOMAIN PROFILE…`).
 */
export function importCommand(): Command {
  return new Command('import')
    .description(
      'Import a numbered text (Word .docx, Markdown, plain text) as a new version of a negotiation, or as a new negotiation; --preview shows what is recognised and saves nothing',
    )
    .argument('[file]', 'the file to import (with --genius, the domain and profiles follow it instead)')
    .option(...DB_OPTION)
    .option('--negotiation <id>', 'import as a new version of this negotiation (default: open a new negotiation)')
    .option('--as <email>', 'the account that imports it (its author; the convenor of a new negotiation)')
    .option('--preview', 'show what the file holds as points, and the notes, and save nothing')
    .option('--label <label>', "the new version's label (default: the file's title)")
    .option('--title <title>', "a new negotiation's title (default: the file's title)")
    .option('--party <id>', 'the party the version is written for (default: the table for a mediator, else your party)')
    .option('--type <media-type>', 'read the file as this media type (default: by its extension)')
    .option(
      '--genius <files...>',
      'open a new negotiation from an ANAC domain and its profiles (GENIUS XML): issues and options from the domain, a party per profile, its preferences shared with the mediator',
    )
    .action(async (file: string | undefined, options: ImportOptions) => {
      if (options.genius) return importGenius(file ? [file, ...options.genius] : options.genius, options);
      if (!file)
        throw new CliError('name the file to import: parley import FILE (or --genius DOMAIN PROFILE…)', EXIT.usage);
      const recognised = await recognise(file, options.type);
      if (options.preview) {
        process.stdout.write(previewText(recognised));
        return;
      }
      if (!options.as)
        throw new CliError('name the account that imports the text with --as EMAIL (or look first with --preview)');
      const store = await openStore(options.db);
      try {
        const { importNegotiation, importVersion } = await import('../store/imports.ts');
        if (options.negotiation) {
          const ctx = await readerContext(store, options);
          const version = await importVersion(store, ctx, recognised, {
            label: options.label,
            authorPartyId: options.party,
            fileName: basename(file),
          });
          process.stdout.write(`${version.id}\n`);
          process.stderr.write(`imported ${version.points.length} points as version "${version.label}"\n`);
        } else {
          const { userByEmail } = await import('../store/accounts.ts');
          const user = await userByEmail(store, options.as);
          if (!user) throw new CliError(`no account has the e-mail ${options.as}`);
          const made = await importNegotiation(store, user, recognised, {
            title: options.title,
            label: options.label,
            fileName: basename(file),
          });
          process.stdout.write(`${made.negotiation.id}\n`);
          process.stderr.write(
            `opened "${made.negotiation.title}" with ${made.version.points.length} points; ${user.name} convenes it\n`,
          );
        }
      } catch (error) {
        throw commandFailure(error);
      } finally {
        await store.close();
      }
    });
}

/** `--genius DOMAIN PROFILE…`: a new negotiation from an ANAC domain, convened by the account --as names. */
async function importGenius(files: string[], options: ImportOptions): Promise<void> {
  if (options.negotiation || options.preview)
    throw new CliError('a GENIUS domain opens a new negotiation: leave out --negotiation and --preview', EXIT.usage);
  const { importGeniusFromFiles } = await import('./genius.ts');
  const store = await openStore(options.db);
  try {
    const made = await importGeniusFromFiles(store, { as: options.as, files });
    process.stdout.write(`${made.negotiation.id}\n`);
    process.stderr.write(
      `opened "${made.negotiation.title}" with ${made.issues} issues and ${made.parties.length} parties (${made.parties.map((p) => p.name).join(', ')})\n`,
    );
    for (const note of made.notes) process.stderr.write(`note: ${note}\n`);
  } catch (error) {
    throw commandFailure(error);
  } finally {
    await store.close();
  }
}

/** What a file holds as a text, or a refusal in words (exit 1). */
async function recognise(file: string, type: string | undefined): Promise<RecognisedText> {
  const [{ recogniseFile }, { FileRefused, IMPORT_LIMITS, megabytes }] = await Promise.all([
    import('../formats/import-text.ts'),
    import('../formats/errors.ts'),
  ]);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`cannot read ${file}: no such file`, EXIT.failed);
  }
  if (size > IMPORT_LIMITS.fileBytes)
    throw new CliError(`${file} is larger than the ${megabytes(IMPORT_LIMITS.fileBytes)} Parley reads`, EXIT.failed);
  const extension = /\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase() ?? '';
  try {
    return await recogniseFile({
      bytes: readFileSync(file),
      name: basename(file),
      mediaType: type ?? BY_EXTENSION[extension] ?? 'application/octet-stream',
    });
  } catch (error) {
    if (error instanceof FileRefused) throw new CliError(`${file}: ${error.message}`, EXIT.failed);
    throw error;
  }
}

/** The preview as lines: the title, each point's number and title, its brackets, and the notes. */
export function previewText(text: RecognisedText): string {
  const lines = [`${text.title} — ${text.points.length} point${text.points.length === 1 ? '' : 's'}`, ''];
  for (const point of text.points) {
    const brackets = point.brackets.length
      ? ` (${point.brackets.length} bracket${point.brackets.length > 1 ? 's' : ''})`
      : '';
    lines.push(`${point.number}. ${point.title || '(no title)'}${brackets}`);
  }
  if (text.notes.length) lines.push('', 'Notes:', ...text.notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}
