import type { Negotiation, Point } from './model.ts';

/** The languages of a negotiation, its drafting language first; English alone when it names none. */
export function textLanguages(negotiation: Pick<Negotiation, 'languages'>): string[] {
  const languages = negotiation.languages;
  return languages ? [languages.drafting, ...languages.others.filter((l) => l !== languages.drafting)] : ['en'];
}

/** The drafting language of a negotiation's text (`en` when it names none). */
export function draftingLanguage(negotiation: Pick<Negotiation, 'languages'>): string {
  return negotiation.languages?.drafting ?? 'en';
}

/**
 * A point as it reads in `lang`: its title, text and bracket alternatives in that language, every
 * other field as it is. In the drafting language, or a language the point has no translation in,
 * the point is returned as it is (`translated` false for the latter).
 *
 * @example pointInLanguage(point, 'uk', 'en').point.title // 'Суверенітет'
 */
export function pointInLanguage(point: Point, lang: string, drafting: string): { point: Point; translated: boolean } {
  if (lang === drafting) return { point, translated: true };
  const translation = point.translations?.[lang];
  if (!translation) return { point, translated: false };
  return {
    point: {
      ...point,
      title: translation.title,
      text: translation.text,
      brackets: point.brackets.map((bracket) => ({
        ...bracket,
        alternatives: bracket.alternatives.map((alternative, index) => ({
          ...alternative,
          text: translation.alternatives[bracket.id]?.[index] ?? alternative.text,
        })),
      })),
    },
    translated: true,
  };
}
