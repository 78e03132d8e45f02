import { Command } from 'commander';
import { DomainError } from '../core/errors.ts';
import type { VersionView } from '../core/model.ts';
import type { Store } from '../store/store.ts';
import { CliError, EXIT } from './errors.ts';
import { DB_OPTION, openStore, readerContext } from './shared.ts';

interface DiffOptions {
  db?: string;
  negotiation?: string;
  as?: string;
  all?: boolean;
  json?: boolean;
  lang?: string;
}

/** `parley diff A B`: two versions compared point by point and word by word, as one account sees them. */
export function diffCommand(): Command {
  return new Command('diff')
    .description(
      'Compare two versions point by point and word by word (added, removed, moved, renumbered, changed), as the account may see them',
    )
    .argument('<versionA>', 'the base version: its id, or its label')
    .argument('<versionB>', 'the version compared with it: its id, or its label')
    .option(...DB_OPTION)
    .option('--negotiation <id>', 'negotiation id (default: the only one)')
    .option('--as <email>', 'see them as this account (default: everything in the database, as its operator)')
    .option('--all', 'show the unchanged points too (default: counted in one line)')
    .option('--json', "write the comparison as JSON, in the shape of the API's compare route")
    .option(
      '--lang <tag>',
      "compare the points' wording in this language of the negotiation (uk, ru…; default: the drafting language)",
    )
    .addHelpText(
      'after',
      `
On a terminal removed words are red and struck through, added words green; piped, or with NO_COLOR
set, they are marked [-removed-] and {+added+}. A version another party keeps to itself, one the
account has not received, and a version that does not exist are refused alike (exit 1); a label that
names several versions is refused with their ids (exit 2).`,
    )
    .action(async (a: string, b: string, options: DiffOptions) => {
      const store = await openStore(options.db);
      try {
        process.stdout.write(await diffVersions(store, a, b, options));
      } catch (error) {
        if (error instanceof DomainError) throw new CliError(error.message, EXIT.failed);
        throw error;
      } finally {
        await store.close();
      }
    });
}

async function diffVersions(store: Store, a: string, b: string, options: DiffOptions): Promise<string> {
  const [{ listVersions }, { compare }] = await Promise.all([
    import('../store/texts.ts'),
    import('../store/versions.ts'),
  ]);
  const ctx = await readerContext(store, options);
  // Labels are matched among the versions the reader may see only, so that neither a match nor an
  // ambiguity tells of a text they have not received; anything else goes to the same refusal as an
  // unknown id (the API's, and export's).
  const visible = await listVersions(store, ctx);
  const result = await compare(store, ctx, versionNamed(visible, b), versionNamed(visible, a), options.lang);
  if (options.json) {
    // Written as the route writes it: only the properties its schema declares.
    const { comparisonSchema } = await import('../server/schemas.ts');
    return `${JSON.stringify(comparisonSchema.parse(result), null, 2)}\n`;
  }
  const { comparisonText } = await import('./diff-text.ts');
  return comparisonText(result, { all: options.all ?? false, color: useColor() });
}

/**
 * The id of the version an argument names: a version's id, else the one version whose label it is
 * (exactly, else ignoring case and surrounding spaces). An ambiguous label is an error listing the
 * candidates; a name that matches nothing is passed on as an id, to be refused as unknown.
 */
export function versionNamed(visible: readonly VersionView[], name: string): string {
  if (visible.some((version) => version.id === name)) return name;
  let matches = visible.filter((version) => version.label === name);
  if (matches.length === 0) {
    const folded = name.trim().toLowerCase();
    matches = visible.filter((version) => version.label.trim().toLowerCase() === folded);
  }
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length > 1)
    throw new CliError(
      `the label "${name}" names ${matches.length} versions; name one by its id: ${matches
        .map((version) => `${version.id} ("${version.label}", ${version.createdAt})`)
        .join(', ')}`,
    );
  return name;
}

/** Colours on a terminal; plain when piped or when NO_COLOR is set (https://no-color.org). */
function useColor(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}
