import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  GUARANTEE,
  THRESHOLD,
  carries,
  fingerprint,
  fingerprintAll,
  newLanguage,
  skeleton,
} from '../../src/core/gate.ts';
import { genevaScenario } from '../../src/demo/geneva.ts';
import { transform, transformation } from './transformations.ts';

/** The points of the post-Geneva text: real treaty language, as the gate meets it. */
const governed = genevaScenario.versions.find((v) => v.id === 'v-geneva-19')!.points.filter((p) => p.text.length > 80);
const pointsOf = (texts: string[]) => texts.map((text, i) => ({ number: i + 1, fingerprints: fingerprint(text) }));
const language = (texts: string[]) => newLanguage(pointsOf(texts), new Set());

describe('the gate reads language, not bytes', () => {
  test('skeleton: invisible characters, look-alike letters, width, case, spacing and punctuation disappear', () => {
    const plain = 'Donetsk is ceded to Russia in full.';
    for (const variant of [
      'Donetsk\u200b is\u200d ceded  to Russia\u00ad in full',
      'DОNЕTSK IS CЕDЕD TO RUSSIA IN FULL', // Cyrillic О and Е
      'Ｄｏｎｅｔｓｋ ｉｓ ｃｅｄｅｄ ｔｏ Ｒｕｓｓｉａ ｉｎ ｆｕｌｌ',
      'Donetsk - is - ceded - to - Russia - in - full!',
      'Donétsk is cedéd to Russia in full',
    ])
      assert.equal(skeleton(variant), skeleton(plain), variant);
    assert.notEqual(skeleton('Donetsk stays Ukrainian'), skeleton(plain));
  });

  test(`property: every transformation of a governed point still carries it (threshold ${THRESHOLD})`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...governed), transformation, (point, t) => {
        const copy = transform(`${point.title}. ${point.text}`, t);
        const found = carries(fingerprint(copy), language([`${point.title}. ${point.text}`]));
        assert.ok(found, `${t.kind}: ${copy.slice(0, 120)}`);
      }),
      { numRuns: 400 },
    );
  });

  test('property: transformations stack, and points joined into one or split into alternatives still carry each point', () => {
    fc.assert(
      fc.property(
        fc.array(transformation, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 2, max: 6 }),
        fc.boolean(),
        (ts, pieces, join) => {
          const texts = governed.slice(0, 6).map((p) => p.text);
          let whole = join ? texts.join(' ') : texts.join('\n\n');
          for (const t of ts) whole = transform(whole, t);
          // Split anywhere into `pieces` parts, as bracket alternatives of one point would hold them.
          const size = Math.ceil(whole.length / pieces);
          const parts = Array.from({ length: pieces }, (_, i) => whole.slice(i * size, (i + 1) * size));
          assert.ok(carries(fingerprintAll(parts), language(texts)), ts.map((t) => t.kind).join('+'));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('property: a partial copy of more than the threshold of one point is caught, within other words', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...governed),
        fc.double({ min: THRESHOLD + 0.15, max: 1, noNaN: true }),
        (p, share) => {
          const sentences = p.text.split(/(?<=[.;,])\s+/);
          let kept = '';
          for (const s of sentences) if (kept.length < share * p.text.length) kept += `${s} `;
          const words = fingerprint(`Our proposal reads as follows. ${kept} That is all we can accept.`);
          assert.ok(carries(words, language([p.text])), kept);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('ordinary drafting is not refused: other texts of the table, and short shared phrases, are below the threshold', () => {
    const others = genevaScenario.versions
      .filter((v) => v.id === 'v-us-28' || v.id === 'v-e3-counter')
      .flatMap((v) => v.points.map((p) => p.text));
    const fresh = governed.map((p) => p.text).filter((t) => !others.includes(t));
    let caught = 0;
    for (const statement of genevaScenario.statements) {
      if (carries(fingerprint(statement.quote), language(fresh))) caught++;
    }
    assert.equal(caught, 0, 'no public statement of the demo reads as a copy of the post-Geneva text');
    // A sentence quoting a few words of a governed point (under the guarantee length) is no copy.
    const point = governed[0]!.text;
    const phrase = point.slice(0, GUARANTEE - 4);
    assert.equal(carries(fingerprint(`We welcome talk of "${phrase}" and nothing more.`), language([point])), null);
    // Nor is an independently written text on the same subject.
    assert.equal(
      carries(
        fingerprint(
          'The parties will negotiate the status of the occupied territories at a later stage, under international supervision, and no party will use force.',
        ),
        language(fresh),
      ),
      null,
    );
  });

  test('what the recipient holds is not governed language: only the new language counts', () => {
    const base = governed[0]!.text;
    const edited = `${base} In addition, the Parties agree to a special economic zone administered jointly.`;
    const held = fingerprint(base);
    const fresh = newLanguage(pointsOf([edited]), held);
    assert.equal(carries(fingerprint(base), fresh), null, 'resending what the recipient holds carries nothing new');
    assert.ok(carries(fingerprint(edited), fresh), 'the edited text carries its new sentence');
  });

  test('cost is linear in the text: a 2 MB text is fingerprinted in one pass', () => {
    const big = governed
      .map((p) => p.text)
      .join(' ')
      .repeat(200)
      .slice(0, 2_000_000);
    const prints = fingerprint(big);
    // Winnowing keeps about 2 / (WINDOW + 1) of the shingles, and never more than one per shingle.
    assert.ok(prints.size > 0 && prints.size < big.length / 2);
  });
});
