import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { PhraseMatcher, phraseWords } from '../../src/core/phrases.ts';

/** The outermost phrases found the slow, obvious way: every phrase at every place, then those inside no other. */
function naive(phrases: string[], text: string): [number, number, string][] {
  const words = phraseWords(text);
  const found: [number, number, string][] = [];
  for (const phrase of new Set(phrases.map((p) => phraseWords(p).join(' ')))) {
    const w = phrase.split(' ');
    if (phrase === '') continue;
    for (let i = 0; i + w.length <= words.length; i++)
      if (w.every((word, k) => words[i + k] === word)) found.push([i, i + w.length, phrase]);
  }
  return found
    .filter(([s, e]) => !found.some(([s2, e2]) => s2 <= s && e2 >= e && (s2 !== s || e2 !== e)))
    .sort((a, b) => a[0] - b[0]);
}

describe('phrases are found as whole words, and only where no longer phrase holds them', () => {
  test('a label that is a prefix of another, or the start of a longer word, is not found inside it', () => {
    const labels = new PhraseMatcher<string>([
      ['Donetsk', 'd'],
      ['Donetsk and Luhansk', 'dl'],
      ['cap', 'c'],
    ]);
    const found = (text: string) => labels.outermost(text).flatMap((m) => m.values);
    assert.deepEqual(found('Donetsk and Luhansk are ceded; the capital is not'), ['dl']);
    assert.deepEqual(found('Donetsk is ceded, Luhansk is not; a CAP applies'), ['d', 'c']);
    assert.deepEqual(found('Donetsk and Donetsk and Luhansk'), ['d', 'dl']);
  });

  test('words are compared after NFKC and case folding, with punctuation as a separator', () => {
    assert.deepEqual(phraseWords('Ｄonetsk, 600,000 — ZAPORIZHZHIA!'), ['donetsk', '600', '000', 'zaporizhzhia']);
    const m = new PhraseMatcher([['600 000', 'x']]);
    assert.equal(m.outermost('a ceiling of 600,000 troops').length, 1);
  });

  test('property: the automaton finds exactly what checking every phrase at every place finds', () => {
    const word = fc.constantFrom('a', 'b', 'c', 'ab', 'ba');
    const phrase = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(
        fc.array(phrase, { minLength: 1, maxLength: 8 }),
        fc.array(word, { maxLength: 30 }),
        (phrases, text) => {
          const matcher = new PhraseMatcher(phrases.map((p) => [p, p] as const));
          const got = matcher
            .outermost(text.join(' '))
            .map((m) => [m.start, m.end, phraseWords(m.values[0]!).join(' ')]);
          assert.deepEqual(got, naive(phrases, text.join(' ')));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('a run of one word against labels that repeat it is read in one pass', () => {
    // Labels "w", "w w", … "w × 150": a matcher that restarted at each place would do 150 steps a word.
    const labels = Array.from({ length: 150 }, (_, i) => ['w '.repeat(i + 1).trim(), i] as const);
    const matcher = new PhraseMatcher(labels);
    const text = 'w '.repeat(200_000);
    const found = matcher.outermost(text);
    assert.equal(found.length, 200_000 - 149, 'the longest label, at every place it fits');
    assert.ok(found.every((m) => m.end - m.start === 150 && m.values[0] === 149));
  });
});
