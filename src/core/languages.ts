import { placeholderIds } from './document.ts';
import { invalid } from './errors.ts';
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

/** English names of the languages a negotiation is likely to use, for words such as "the Ukrainian text". */
const LANGUAGE_NAMES: Record<string, string> = {
  ar: 'Arabic',
  de: 'German',
  en: 'English',
  es: 'Spanish',
  fr: 'French',
  he: 'Hebrew',
  it: 'Italian',
  ja: 'Japanese',
  ka: 'Georgian',
  pl: 'Polish',
  pt: 'Portuguese',
  ru: 'Russian',
  tr: 'Turkish',
  uk: 'Ukrainian',
  zh: 'Chinese',
};

/**
 * A negotiation's languages as an export states them (`ExportInput.languages`): the drafting one,
 * all of them (drafting first), the authentic ones and the one that prevails, if any.
 *
 * @example exportLanguages(geneva) // { drafting: 'en', all: ['en', 'uk', 'ru'], authentic: ['en', 'uk', 'ru'], prevailing: null }
 */
export function exportLanguages(negotiation: Pick<Negotiation, 'languages'>): {
  drafting: string;
  all: string[];
  authentic: string[];
  prevailing: string | null;
} {
  return {
    drafting: draftingLanguage(negotiation),
    all: textLanguages(negotiation),
    authentic: authenticLanguages(negotiation),
    prevailing: negotiation.languages?.prevailing ?? null,
  };
}

/**
 * A language's English name, or its tag when Parley does not know it.
 *
 * @example languageName('uk') // 'Ukrainian'; languageName('pt-BR') // 'Portuguese (pt-BR)'
 */
export function languageName(tag: string): string {
  const primary = tag.split('-')[0]!;
  const name = LANGUAGE_NAMES[primary];
  if (!name) return tag;
  return primary === tag ? name : `${name} (${tag})`;
}

/**
 * The languages whose text is authentic: those the negotiation names (in its own order, among its
 * languages), or its drafting language alone when it names none.
 */
export function authenticLanguages(negotiation: Pick<Negotiation, 'languages'>): string[] {
  const all = textLanguages(negotiation);
  const named = (negotiation.languages?.authentic ?? []).filter((l) => all.includes(l));
  return named.length > 0 ? all.filter((l) => named.includes(l)) : [draftingLanguage(negotiation)];
}

/**
 * A point's wording in one language, as one string to compare (title, text and bracket alternatives);
 * null when the point has no text in that language.
 */
export function wordingIn(point: Point, lang: string, drafting: string): string | null {
  if (lang === drafting)
    return JSON.stringify([
      point.title,
      point.text,
      point.brackets.map((b) => [b.id, b.alternatives.map((a) => a.text)]),
    ]);
  const translation = point.translations?.[lang];
  if (!translation) return null;
  const alternatives = Object.keys(translation.alternatives)
    .sort()
    .map((id) => [id, translation.alternatives[id]]);
  return JSON.stringify([translation.title, translation.text, alternatives]);
}

/**
 * The points of a new version with which of their languages are behind, computed from the parent's
 * points (by id) and never taken from the writer: on a point whose text changed in some languages and
 * not in others, each unchanged language is behind the changed ones (and stays behind what it was
 * behind before); a language whose text changed catches up; when every language changes together, none
 * is behind. A point new to the version (or a text with no parent) starts with nothing behind; a
 * missing translation is told apart when the text is read (`languageBehind`).
 *
 * @example withLanguageStatus([editedInEnglish], parent.points, ['en', 'uk'], 'en')[0].languagesBehind // { uk: ['en'] }
 */
export function withLanguageStatus(
  points: Point[],
  parentPoints: Point[] | null,
  languages: string[],
  drafting: string,
): Point[] {
  const before = new Map((parentPoints ?? []).map((p) => [p.id, p]));
  return points.map((incoming) => {
    const { languagesBehind: _ignored, ...point } = incoming;
    const prior = before.get(point.id);
    if (!prior || languages.length < 2) return point;
    const now = new Map(languages.map((l) => [l, wordingIn(point, l, drafting)]));
    const then = new Map(languages.map((l) => [l, wordingIn(prior, l, drafting)]));
    // Updated: written anew (a first translation too). Changed: a wording there before and up to date,
    // now another; a language that was behind and is updated catches up, and puts no other behind.
    const updated = languages.filter((l) => now.get(l) !== null && now.get(l) !== then.get(l));
    const changed = updated.filter((l) => then.get(l) !== null && !(prior.languagesBehind?.[l]?.length ?? 0));
    const behind: Record<string, string[]> = {};
    for (const lang of languages) {
      if (updated.includes(lang) || now.get(lang) === null) continue;
      const was = prior.languagesBehind?.[lang] ?? [];
      const ahead = languages.filter((l) => l !== lang && (changed.includes(l) || was.includes(l)));
      if (ahead.length > 0) behind[lang] = ahead;
    }
    return Object.keys(behind).length > 0 ? { ...point, languagesBehind: behind } : point;
  });
}

/** Where a point's languages stand: those behind (out of date or missing), and what each is behind. */
export interface PointLanguages {
  pointId: Point['id'];
  number: number;
  /** The languages whose text of the point is not up to date: out of date, or missing. */
  behind: string[];
  /** Of `behind`, those the point has no text in at all. */
  missing: string[];
  /** For each out-of-date language, the languages it is behind. */
  of: Record<string, string[]>;
}

/**
 * The points whose text in some language is behind another language or missing, in the order of
 * `points`; points up to date in every language are left out. For the exporters (a file in Ukrainian
 * marks the points whose Ukrainian is behind) and the text's status.
 *
 * @example languageBehind(version.points, { drafting: 'en', all: ['en', 'uk', 'ru'] })
 * // [{ pointId: 'pt-4', number: 4, behind: ['uk', 'ru'], missing: ['ru'], of: { uk: ['en'] } }]
 */
export function languageBehind(points: Point[], languages: { drafting: string; all: string[] }): PointLanguages[] {
  const out: PointLanguages[] = [];
  for (const point of points) {
    const of: Record<string, string[]> = {};
    const missing: string[] = [];
    for (const lang of languages.all) {
      if (wordingIn(point, lang, languages.drafting) === null) {
        missing.push(lang);
        continue;
      }
      const behind = (point.languagesBehind?.[lang] ?? []).filter((l) => l !== lang && languages.all.includes(l));
      if (behind.length > 0) of[lang] = behind;
    }
    const behind = languages.all.filter((l) => missing.includes(l) || of[l] !== undefined);
    if (behind.length > 0) out.push({ pointId: point.id, number: point.number, behind, missing, of });
  }
  return out;
}

/**
 * The languages a text carries: its drafting language, and each other language of the negotiation in
 * which at least one of its points has a translation. A text not yet translated into a language is not
 * behind in it, point by point: its text in that language is still to be made as a whole.
 */
export function carriedLanguages(points: Point[], languages: { drafting: string; all: string[] }): string[] {
  return languages.all.filter(
    (l) => l === languages.drafting || points.some((point) => point.translations?.[l] !== undefined),
  );
}

/**
 * What is wrong with the points' translations for a negotiation with these languages: a translation
 * in a language the negotiation does not have (or in its drafting language, which is the point's own
 * text), a bracket placeholder missing or extra in a translated text, alternatives for a bracket the
 * point does not have, or more alternatives than the bracket has. A translation carried unchanged from
 * the same point of the parent version is not held to the point's brackets: it is behind the point's
 * own text (`withLanguageStatus`), to be brought in step by its translator. Empty when all is well.
 */
export function translationProblems(
  points: Point[],
  languages: { drafting: string; all: string[] },
  parentPoints: Point[] = [],
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const named = languages.all.map((l) => `${languageName(l)} (${l})`).join(', ');
  const parents = new Map(parentPoints.map((point) => [point.id, point]));
  points.forEach((point, index) => {
    for (const [lang, translation] of Object.entries(point.translations ?? {})) {
      const at = `points[${index}].translations.${lang}`;
      if (lang === languages.drafting) {
        problems.push({
          path: at,
          message: `${languageName(lang)} is the drafting language: point ${point.number}'s own title and text are its ${languageName(lang)} text; leave this translation out`,
        });
        continue;
      }
      if (!languages.all.includes(lang)) {
        problems.push({
          path: at,
          message: `the negotiation's text is not in ${languageName(lang)} (${lang}); its languages are ${named}. Add ${lang} to the negotiation's languages first (PUT /api/negotiations/{id}/languages), or leave this translation out`,
        });
        continue;
      }
      // A translation carried as it was while the point's own text changed (a bracket added or closed)
      // is behind it, not wrong: its brackets are the translator's to bring in step.
      const carried = parents.get(point.id)?.translations?.[lang];
      if (carried && JSON.stringify(carried) === JSON.stringify(translation)) continue;
      const ids = point.brackets.map((b) => b.id).sort();
      const placed = placeholderIds(translation.text).sort();
      if (JSON.stringify(ids) !== JSON.stringify(placed))
        problems.push({
          path: `${at}.text`,
          message: `the ${languageName(lang)} text of point ${point.number} must hold each of the point's brackets once, as in its own text (${ids.map((id) => `[[${id}]]`).join(', ') || 'none'}); it holds ${placed.map((id) => `[[${id}]]`).join(', ') || 'none'}`,
        });
      for (const [bracketId, wording] of Object.entries(translation.alternatives)) {
        const bracket = point.brackets.find((b) => b.id === bracketId);
        if (!bracket)
          problems.push({
            path: `${at}.alternatives.${bracketId}`,
            message: `point ${point.number} has no bracket "${bracketId}"; translate the alternatives of its brackets (${ids.join(', ') || 'none'})`,
          });
        else if (wording.length > bracket.alternatives.length)
          problems.push({
            path: `${at}.alternatives.${bracketId}`,
            message: `bracket "${bracketId}" of point ${point.number} has ${bracket.alternatives.length} alternatives; its ${languageName(lang)} text gives ${wording.length}`,
          });
      }
    }
  });
  return problems;
}

/** Every language rendering of a point (its own, then each translation's), for whatever reads all its words. */
export function pointRenderings(point: Point): Pick<Point, 'title' | 'text' | 'brackets'>[] {
  const out: Pick<Point, 'title' | 'text' | 'brackets'>[] = [
    { title: point.title, text: point.text, brackets: point.brackets },
  ];
  for (const lang of Object.keys(point.translations ?? {}).sort()) {
    const { point: rendered } = pointInLanguage(point, lang, '\u0000');
    out.push({ title: rendered.title, text: rendered.text, brackets: rendered.brackets });
  }
  return out;
}

/**
 * `lang` when the negotiation's text is in it; otherwise a clear refusal naming its languages.
 *
 * @example requireLanguage(negotiation, 'fr') // throws: the text of "Geneva 2025" is not in French (fr); its languages are English (en), …
 */
export function requireLanguage(negotiation: Pick<Negotiation, 'languages' | 'title'>, lang: string): string {
  const all = textLanguages(negotiation);
  if (!all.includes(lang))
    throw invalid(
      'lang',
      `the text of "${negotiation.title}" is not in ${languageName(lang)} (${lang}); its languages are ${all.map((l) => `${languageName(l)} (${l})`).join(', ')}`,
    );
  return lang;
}

/**
 * A version with its points' wording in `lang` (each point as `pointInLanguage` reads it: a point not
 * translated keeps its drafting-language wording), or as it is when no language is asked for.
 *
 * @example versionInLanguage(view, negotiation, 'uk').points[0].title // 'Суверенітет'
 */
export function versionInLanguage<V extends { points: Point[] }>(
  version: V,
  negotiation: Pick<Negotiation, 'languages' | 'title'>,
  lang: string | undefined,
): V {
  if (lang === undefined) return version;
  requireLanguage(negotiation, lang);
  const drafting = draftingLanguage(negotiation);
  return { ...version, points: version.points.map((point) => pointInLanguage(point, lang, drafting).point) };
}
