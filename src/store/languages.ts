import { invalid } from '../core/errors.ts';
import { languageName } from '../core/languages.ts';
import type { Negotiation } from '../core/model.ts';
import { requireUnlocked, requireUnlockedIn } from './agreement.ts';
import { requireMediator } from './guards.ts';
import { writeNegotiation } from './negotiations.ts';
import type { NegotiationContext, Store } from './store.ts';

/** The languages of a negotiation's text, as a mediator sets them. */
export type LanguagesInput = NonNullable<Negotiation['languages']>;

const named = (tag: string) => `${languageName(tag)} (${tag})`;

/**
 * Sets the languages of a negotiation's text: its drafting language (that of every point's own title
 * and text), the others its points are translated into, which are equally authentic and which one, if
 * any, prevails. Mediators only, not while the text is locked. The drafting language is chosen before
 * the first version (every version's own text is in it); a language some version is translated into
 * stays (its translations would be read as nobody's).
 *
 * @example await setLanguages(store, ctx, 3, { drafting: 'en', others: ['uk', 'ru'], authentic: ['en', 'uk', 'ru'], prevailing: null })
 */
export async function setLanguages(
  store: Store,
  ctx: NegotiationContext,
  revision: number,
  input: LanguagesInput,
): Promise<Negotiation> {
  requireMediator(ctx, "set the languages of the negotiation's text");
  requireUnlocked(ctx);
  const others = [...new Set(input.others)];
  if (others.includes(input.drafting))
    throw invalid(
      'others',
      `${named(input.drafting)} is the drafting language; list in "others" only the languages the text is translated into`,
    );
  const all = [input.drafting, ...others];
  for (const lang of input.authentic)
    if (!all.includes(lang))
      throw invalid(
        'authentic',
        `${named(lang)} is not one of the text's languages (${all.map(named).join(', ')}); add it to "others" or leave it out of "authentic"`,
      );
  if (input.prevailing !== null && !input.authentic.includes(input.prevailing))
    throw invalid(
      'prevailing',
      `the prevailing language must be one of the authentic ones (${input.authentic.map(named).join(', ') || 'none named'}); ${named(input.prevailing)} is not`,
    );
  const languages: LanguagesInput = {
    drafting: input.drafting,
    others,
    authentic: all.filter((l) => input.authentic.includes(l)),
    prevailing: input.prevailing,
  };
  return store.change(ctx.user.id, async (trx, record) => {
    await requireUnlockedIn(trx, ctx.negotiation.id);
    return writeNegotiation(trx, record, ctx.negotiation.id, revision, 'negotiation.languages', async (before) => {
      const versions = await trx
        .selectFrom('versions')
        .select(['data'])
        .where('negotiation_id', '=', ctx.negotiation.id)
        .execute();
      const drafting = before.languages?.drafting ?? 'en';
      if (versions.length > 0 && languages.drafting !== drafting)
        throw invalid(
          'drafting',
          `the negotiation's versions are drafted in ${named(drafting)}: their own text is in it, so the drafting language stays ${drafting}; translate them into ${named(languages.drafting)} instead (add it to "others")`,
        );
      const carried = new Set<string>();
      for (const { data } of versions)
        for (const point of (JSON.parse(data) as { points: { translations?: Record<string, unknown> }[] }).points)
          for (const lang of Object.keys(point.translations ?? {})) carried.add(lang);
      const dropped = [...carried].filter((lang) => !all.includes(lang));
      if (dropped.length > 0)
        throw invalid(
          'others',
          `versions of this negotiation are translated into ${dropped.map(named).join(' and ')}; keep ${dropped.length === 1 ? 'it' : 'them'} among the languages`,
        );
      return { languages };
    });
  });
}
