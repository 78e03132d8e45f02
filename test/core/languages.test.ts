import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { agreementStatus, obstaclesInWords, pointContentHash } from '../../src/core/agreement.ts';
import { pointsTextLength } from '../../src/core/document.ts';
import {
  exportLanguages,
  languageBehind,
  pointInLanguage,
  translationProblems,
  versionInLanguage,
  withLanguageStatus,
} from '../../src/core/languages.ts';
import type { Point } from '../../src/core/model.ts';
import { contentHash, languageHash, optionLabels } from '../../src/core/transmission.ts';
import { DomainError } from '../../src/core/errors.ts';
import { bracket, party, point, version } from './builders.ts';

const LANGS = ['en', 'uk', 'ru'];
const ALL = { drafting: 'en', all: LANGS };

/** A point in English with its Ukrainian and Russian. */
function trilingual(id: string, n: number, overrides: Partial<Point> = {}): Point {
  return point(id, n, {
    title: `Title ${id}`,
    text: `The text of ${id}.`,
    translations: {
      uk: { title: `Заголовок ${id}`, text: `Текст ${id}.`, alternatives: {} },
      ru: { title: `Заголовок ${id} (ру)`, text: `Текст ${id} (ру).`, alternatives: {} },
    },
    ...overrides,
  });
}

const editEnglish = (p: Point, text: string): Point => ({ ...p, text });
const editIn = (p: Point, lang: string, text: string): Point => ({
  ...p,
  translations: { ...p.translations, [lang]: { ...p.translations![lang]!, text } },
});
const behindOf = (points: Point[]) => Object.fromEntries(points.map((p) => [p.id, p.languagesBehind ?? {}]));

describe('which languages of a point are behind', () => {
  const parent = [trilingual('p1', 1), trilingual('p2', 2)];

  test('an edit in English marks the Ukrainian and the Russian behind on that point, and on no other', () => {
    const next = withLanguageStatus([editEnglish(parent[0]!, 'Changed.'), parent[1]!], parent, LANGS, 'en');
    assert.deepEqual(behindOf(next), { p1: { uk: ['en'], ru: ['en'] }, p2: {} });
  });

  test('updating the Ukrainian clears it (a catching up, which puts no other language behind); the Russian stays behind the English', () => {
    const first = withLanguageStatus([editEnglish(parent[0]!, 'Changed.'), parent[1]!], parent, LANGS, 'en');
    const second = withLanguageStatus([editIn(first[0]!, 'uk', 'Змінено.'), first[1]!], first, LANGS, 'en');
    assert.deepEqual(second[0]!.languagesBehind, { ru: ['en'] });
    const third = withLanguageStatus([editIn(second[0]!, 'ru', 'Изменено.'), second[1]!], second, LANGS, 'en');
    assert.equal(third[0]!.languagesBehind, undefined);
  });

  test('when every language changes together none is behind; an edit in Ukrainian alone puts the English behind', () => {
    const together = editIn(editIn(editEnglish(parent[0]!, 'Changed.'), 'uk', 'Змінено.'), 'ru', 'Изменено.');
    assert.equal(withLanguageStatus([together], parent, LANGS, 'en')[0]!.languagesBehind, undefined);
    const ukOnly = withLanguageStatus([editIn(parent[0]!, 'uk', 'Змінено.')], parent, LANGS, 'en');
    assert.deepEqual(ukOnly[0]!.languagesBehind, { en: ['uk'], ru: ['uk'] });
  });

  test('what the writer sends is ignored: the status is computed, never taken', () => {
    const claimed = { ...editEnglish(parent[0]!, 'Changed.'), languagesBehind: {} };
    assert.deepEqual(withLanguageStatus([claimed], parent, LANGS, 'en')[0]!.languagesBehind, {
      uk: ['en'],
      ru: ['en'],
    });
    const forged = { ...parent[0]!, languagesBehind: { uk: ['en'] } };
    assert.equal(withLanguageStatus([forged], null, LANGS, 'en')[0]!.languagesBehind, undefined);
  });

  test('a first translation catches up without putting the English behind', () => {
    const english = [point('p1', 1)];
    const translated = withLanguageStatus(
      [trilingual('p1', 1, { title: 'Point p1', text: 'Text of p1.' })],
      english,
      LANGS,
      'en',
    );
    assert.equal(translated[0]!.languagesBehind, undefined);
  });

  test('languageBehind names the out-of-date and the missing languages of each point', () => {
    const next = withLanguageStatus(
      [editEnglish(parent[0]!, 'Changed.'), { ...parent[1]!, translations: { uk: parent[1]!.translations!.uk! } }],
      parent,
      LANGS,
      'en',
    );
    assert.deepEqual(languageBehind(next, ALL), [
      { pointId: 'p1', number: 1, behind: ['uk', 'ru'], missing: [], of: { uk: ['en'], ru: ['en'] } },
      { pointId: 'p2', number: 2, behind: ['ru'], missing: ['ru'], of: {} },
    ]);
  });

  test('property: an edit in exactly one language leaves exactly the others behind, on that point alone', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LANGS), fc.integer({ min: 0, max: 1 }), (lang, index) => {
        const edited = parent.map((p, i) =>
          i !== index ? p : lang === 'en' ? editEnglish(p, 'Edited.') : editIn(p, lang, 'Ред.'),
        );
        const next = withLanguageStatus(edited, parent, LANGS, 'en');
        const others = LANGS.filter((l) => l !== lang);
        assert.deepEqual(next[index]!.languagesBehind, Object.fromEntries(others.map((l) => [l, [lang]])));
        assert.equal(next[1 - index]!.languagesBehind, undefined);
      }),
    );
  });
});

describe('hashes cover every language, and only when there are translations', () => {
  const labels = optionLabels([]);

  test('a point without translations keeps the hashes it always had', () => {
    // Pinned: the hashes of a text in one language, as before languages existed.
    const p = point('p1', 1);
    assert.equal(pointContentHash(p, []), pointContentHash({ ...p, translations: undefined }, []));
    assert.equal(languageHash(p), languageHash({ title: p.title, text: p.text, brackets: p.brackets }));
    assert.equal(
      contentHash(version('v', { points: [p] }), labels),
      contentHash(version('v', { points: [{ ...p }] }), labels),
    );
  });

  test('the Ukrainian changed gives another hash (an approval of the text does not cover it); the status behind does not', () => {
    const p = trilingual('p1', 1);
    const uk = editIn(p, 'uk', 'Інший текст.');
    assert.notEqual(pointContentHash(p, []), pointContentHash(uk, []));
    assert.notEqual(
      contentHash(version('v', { points: [p] }), labels),
      contentHash(version('v', { points: [uk] }), labels),
    );
    assert.notEqual(languageHash(p), languageHash(uk));
    const marked = { ...p, languagesBehind: { uk: ['en'] } };
    assert.equal(pointContentHash(p, []), pointContentHash(marked, []));
    assert.equal(
      contentHash(version('v', { points: [p] }), labels),
      contentHash(version('v', { points: [marked] }), labels),
    );
  });

  test('property: any change to a translation changes the content hash', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('uk', 'ru'),
        fc.constantFrom('title', 'text'),
        fc.string({ minLength: 1 }),
        (lang, field, extra) => {
          const p = trilingual('p1', 1);
          const changed = {
            ...p,
            translations: {
              ...p.translations,
              [lang]: { ...p.translations![lang]!, [field]: p.translations![lang]![field] + extra },
            },
          };
          assert.notEqual(pointContentHash(p, []), pointContentHash(changed, []));
        },
      ),
    );
  });
});

describe('the size of a text counts every language', () => {
  test('translations count toward the characters of the points', () => {
    const p = trilingual('p1', 1);
    const own = p.title.length + p.text.length;
    const uk = p.translations!.uk!;
    const ru = p.translations!.ru!;
    assert.equal(pointsTextLength([p]), own + uk.title.length + uk.text.length + ru.title.length + ru.text.length);
  });
});

describe('translations are checked against the negotiation’s languages and the point’s brackets', () => {
  test('a language the negotiation does not have is refused, naming its languages', () => {
    const p = point('p1', 1, { translations: { fr: { title: 'Titre', text: 'Texte.', alternatives: {} } } });
    const [problem] = translationProblems([p], ALL);
    assert.equal(problem?.path, 'points[0].translations.fr');
    assert.match(
      problem!.message,
      /not in French \(fr\); its languages are English \(en\), Ukrainian \(uk\), Russian \(ru\)/,
    );
  });

  test('a translated text must hold the point’s brackets, and alternatives only for them', () => {
    const p = point('p1', 1, {
      text: 'A [[b1]] B.',
      brackets: [bracket('b1', 'x', 'y')],
      translations: { uk: { title: 'Т', text: 'А Б.', alternatives: { b2: ['х'] } } },
    });
    const messages = translationProblems([p], ALL).map((x) => x.message);
    assert.match(messages[0]!, /Ukrainian text of point 1 must hold each of the point's brackets once/);
    assert.match(messages[1]!, /point 1 has no bracket "b2"/);
  });

  test('a translation carried unchanged while the point gains a bracket is behind, not refused; a changed one is held to the brackets', () => {
    const uk = { title: 'Т', text: 'А Б.', alternatives: {} };
    const parent = point('p1', 1, { text: 'A B.', translations: { uk } });
    const bracketed = point('p1', 1, {
      text: 'A [[b1]] B.',
      brackets: [bracket('b1', 'x', 'y')],
      translations: { uk },
    });
    assert.deepEqual(translationProblems([bracketed], ALL, [parent]), []);
    const retranslated = { ...bracketed, translations: { uk: { ...uk, text: 'А, Б.' } } };
    assert.match(
      translationProblems([retranslated], ALL, [parent])[0]!.message,
      /must hold each of the point's brackets/,
    );
    // Another point's translation is no excuse: only the same point's, by id.
    const moved = { ...bracketed, id: 'p2' };
    assert.equal(translationProblems([moved], ALL, [parent]).length, 1);
  });
});

describe('reading a version in a language', () => {
  test('points come in the language asked, untranslated ones as drafted; an unknown language is refused', () => {
    const p = point('p1', 1, {
      text: 'A [[b1]].',
      brackets: [bracket('b1', 'x', 'y')],
      translations: { uk: { title: 'Т', text: 'А [[b1]].', alternatives: { b1: ['ікс', 'ігрек'] } } },
    });
    const negotiation = { title: 'N', languages: { drafting: 'en', others: ['uk'], authentic: [], prevailing: null } };
    const read = versionInLanguage({ points: [p, point('p2', 2)] }, negotiation, 'uk');
    assert.equal(read.points[0]!.title, 'Т');
    assert.deepEqual(
      read.points[0]!.brackets[0]!.alternatives.map((a) => a.text),
      ['ікс', 'ігрек'],
    );
    assert.equal(read.points[1]!.title, 'Point p2');
    assert.equal(pointInLanguage(point('p2', 2), 'uk', 'en').translated, false);
    assert.throws(
      () => versionInLanguage({ points: [p] }, negotiation, 'ru'),
      (e: unknown) =>
        e instanceof DomainError &&
        /not in Russian \(ru\); its languages are English \(en\), Ukrainian \(uk\)/.test(e.message),
    );
  });
});

describe('an authentic language behind holds the agreement', () => {
  const parties = [party('us'), party('ua')];
  const languages = { drafting: 'en', all: LANGS, authentic: LANGS };

  test('a point every party marked is not agreed while its Ukrainian is behind, and the words say so', () => {
    const parent = [trilingual('p1', 1), trilingual('p2', 2), trilingual('p3', 3)];
    const points = withLanguageStatus(
      [editEnglish(parent[0]!, 'Changed.'), parent[1]!, editEnglish(parent[2]!, 'Changed too.')],
      parent,
      LANGS,
      'en',
    );
    const marks = points.flatMap((p) =>
      ['us', 'ua'].map((partyId) => ({
        pointId: p.id,
        partyId,
        contentHash: pointContentHash(p, []),
        at: '2025-11-24T10:00:00Z',
        by: 'someone',
      })),
    );
    const status = agreementStatus({ points, parties, tracks: [], marks, issues: [], languages });
    assert.deepEqual(status.overall.pointsNotAgreed, [1, 3]);
    assert.equal(status.overall.complete, false);
    const words = obstaclesInWords(status, { track: (id) => id });
    assert.match(words, /points 1 and 3: the Ukrainian text is behind the English/);
    assert.match(words, /points 1 and 3: the Russian text is behind the English/);
    // Without languages (a text in one language) the same marks complete it.
    const single = agreementStatus({
      points: points.map((p) => ({ ...p, translations: undefined, languagesBehind: undefined })),
      parties,
      tracks: [],
      marks: [],
      issues: [],
    });
    assert.equal(single.points[0]!.languagesBehind, undefined);
  });

  test('a text not yet translated into a language is not held point by point; one partly translated is', () => {
    const english = [point('p1', 1), point('p2', 2)];
    const markAll = (points: Point[]) =>
      points.flatMap((p) =>
        ['us', 'ua'].map((partyId) => ({
          pointId: p.id,
          partyId,
          contentHash: pointContentHash(p, []),
          at: 't',
          by: 'x',
        })),
      );
    const untranslated = agreementStatus({
      points: english,
      parties,
      tracks: [],
      marks: markAll(english),
      issues: [],
      languages,
    });
    assert.equal(untranslated.overall.complete, true);
    const partly = [trilingual('p1', 1), point('p2', 2)];
    const status = agreementStatus({
      points: partly,
      parties,
      tracks: [],
      marks: markAll(partly),
      issues: [],
      languages,
    });
    assert.equal(status.overall.complete, false);
    assert.match(
      obstaclesInWords(status, { track: (id) => id }),
      /point 2: no Ukrainian text yet; .*point 2: no Russian text yet|point 2: no Ukrainian text yet/,
    );
  });
});

describe('a negotiation’s languages as an export states them', () => {
  test('English alone when it names none; otherwise drafting first, the authentic ones and the prevailing one', () => {
    assert.deepEqual(exportLanguages({}), { drafting: 'en', all: ['en'], authentic: ['en'], prevailing: null });
    assert.deepEqual(
      exportLanguages({
        languages: { drafting: 'en', others: ['uk', 'ru'], authentic: ['ru', 'en'], prevailing: 'en' },
      }),
      { drafting: 'en', all: ['en', 'uk', 'ru'], authentic: ['en', 'ru'], prevailing: 'en' },
    );
  });
});
