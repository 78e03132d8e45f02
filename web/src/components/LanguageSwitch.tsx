import { useId } from 'react';
import type { Schemas } from '../api/client';
import type { Point } from '../api/queries';

type Languages = NonNullable<Schemas['Negotiation']['languages']>;

/** Names of the languages a negotiation is likely to use; other tags are shown as they are. */
const NAMES: Record<string, string> = {
  ar: 'Arabic',
  de: 'German',
  en: 'English',
  es: 'Spanish',
  fr: 'French',
  ru: 'Russian',
  uk: 'Ukrainian',
  zh: 'Chinese',
};

export const languageName = (tag: string) => NAMES[tag.split('-')[0]!] ?? tag;

/** The negotiation's languages, its drafting one first; null for a text in one language. */
export function languagesOf(languages: Languages | null | undefined): string[] | null {
  if (!languages || languages.others.length === 0) return null;
  return [languages.drafting, ...languages.others.filter((l) => l !== languages.drafting)];
}

/**
 * What a reader of a point in `lang` should know: that it is not translated yet (shown as drafted), or
 * that its text in `lang` is behind another language. Null when it is up to date.
 */
export function languageNote(point: Point, lang: string, drafting: string): string | null {
  if (lang !== drafting && !point.translations?.[lang])
    return `Not yet translated into ${languageName(lang)}: shown in ${languageName(drafting)}.`;
  const behind = point.languagesBehind?.[lang] ?? [];
  return behind.length > 0
    ? `The ${languageName(lang)} text of this point is behind the ${behind.map(languageName).join(' and ')}.`
    : null;
}

/** The language the text is read in: shown only when the negotiation has more than one. */
export function LanguageSwitch({
  languages,
  value,
  onChange,
}: {
  languages: Languages | null | undefined;
  value: string | undefined;
  onChange: (lang: string | undefined) => void;
}) {
  const selectId = useId();
  const all = languagesOf(languages);
  if (!all || !languages) return null;
  return (
    <div className="language-switch">
      <label htmlFor={selectId}>Language</label>
      <select
        id={selectId}
        value={value ?? languages.drafting}
        onChange={(e) => onChange(e.target.value === languages.drafting ? undefined : e.target.value)}
      >
        {all.map((lang) => (
          <option key={lang} value={lang}>
            {languageName(lang)}
            {lang === languages.drafting ? ' (drafting)' : ''}
            {languages.authentic.includes(lang) ? '' : ' (not authentic)'}
          </option>
        ))}
      </select>
    </div>
  );
}
