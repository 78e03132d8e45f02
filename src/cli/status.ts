import { Command } from 'commander';
import { DomainError } from '../core/errors.ts';
import { authenticLanguages, carriedLanguages, languageName, textLanguages } from '../core/languages.ts';
import type { Negotiation, Point } from '../core/model.ts';
import type { Store } from '../store/store.ts';
import { CliError, EXIT } from './errors.ts';
import { DB_OPTION, openStore, readerContext } from './shared.ts';

interface StatusOptions {
  db?: string;
  negotiation?: string;
  as?: string;
  version?: string;
  json?: boolean;
}

/** `parley status`: what still stands in the way of the agreement, as one account may see it. */
export function statusCommand(): Command {
  return new Command('status')
    .description(
      'What still stands in the way of the agreement (points not agreed, brackets open, tracks open), or that it is complete, as the account may see it',
    )
    .option(...DB_OPTION)
    .option('--negotiation <id>', 'negotiation id (default: the only one)')
    .option('--as <email>', 'see it as this account (default: everything in the database, as its operator)')
    .option('--version <id>', 'a version by id or label (default: the text under negotiation)')
    .option('--json', "write the status as JSON, in the shape of the API's agreement route")
    .addHelpText(
      'after',
      `
A party outside a track learns only the numbers of its points and whether they are agreed, and how
many tracks it is not part of are open. A version the account may not see is refused as one that does
not exist (exit 1).`,
    )
    .action(async (options: StatusOptions) => {
      const store = await openStore(options.db);
      try {
        process.stdout.write(await agreementStatusText(store, options));
      } catch (error) {
        if (error instanceof DomainError) throw new CliError(error.message, EXIT.failed);
        throw error;
      } finally {
        await store.close();
      }
    });
}

async function agreementStatusText(store: Store, options: StatusOptions): Promise<string> {
  const [{ agreementNow, agreementOn }, { listVersions }, { versionNamed }] = await Promise.all([
    import('../store/agreement.ts'),
    import('../store/texts.ts'),
    import('./diff.ts'),
  ]);
  const ctx = await readerContext(store, options);
  const view =
    options.version === undefined
      ? await agreementNow(store, ctx)
      : await agreementOn(store, ctx, versionNamed(await listVersions(store, ctx), options.version));
  if (options.json) {
    const { agreementViewSchema } = await import('../server/schemas.ts');
    return `${JSON.stringify(agreementViewSchema.parse(view), null, 2)}\n`;
  }
  const version = (await listVersions(store, ctx)).find((v) => v.id === view.versionId);
  const lines = [`${version?.label ?? view.versionId}: ${view.obstacles}`];
  if (view.lockedAt) lines.push(`The text is locked since ${view.lockedAt}; a mediator reopens a point.`);
  const languages = version ? languagesLine(ctx.negotiation, version.points) : null;
  if (languages) lines.push(languages);
  return `${lines.join('\n')}\n`;
}

/**
 * The negotiation's languages in words, and those the text has not been translated into yet: "Languages:
 * English (drafting), Ukrainian and Russian, all authentic. This text has no Russian yet." Null for a
 * text in one language.
 */
function languagesLine(negotiation: Negotiation, points: Point[]): string | null {
  const all = textLanguages(negotiation);
  if (all.length < 2) return null;
  const authentic = authenticLanguages(negotiation);
  const names = all.map((l, i) => (i === 0 ? `${languageName(l)} (drafting)` : languageName(l)));
  const prevailing = negotiation.languages?.prevailing;
  const which =
    authentic.length === all.length ? 'all authentic' : `authentic: ${authentic.map(languageName).join(', ')}`;
  const carried = carriedLanguages(points, { drafting: all[0]!, all });
  const notYet = all.filter((l) => !carried.includes(l)).map(languageName);
  return [
    `Languages: ${names.join(', ')}; ${which}${prevailing ? `, ${languageName(prevailing)} prevailing` : ''}.`,
    notYet.length > 0 ? ` This text has no ${notYet.join(' or ')} text yet.` : '',
  ].join('');
}
