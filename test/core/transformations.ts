import fc from 'fast-check';

/**
 * Transformations of a text that a delegate might try to slip a governed text past the gate, each
 * keeping the text readable as the same text: for the gate's property tests.
 */

/** Latin letters and the Cyrillic or Greek letters that look the same. */
const LOOKALIKES: Record<string, string[]> = {
  a: ['а'],
  c: ['с'],
  e: ['е'],
  o: ['о', 'ο'],
  p: ['р', 'ρ'],
  x: ['х'],
  y: ['у'],
  i: ['і'],
  A: ['А', 'Α'],
  B: ['В', 'Β'],
  E: ['Е', 'Ε'],
  H: ['Н', 'Η'],
  K: ['К', 'Κ'],
  M: ['М', 'Μ'],
  O: ['О', 'Ο'],
  P: ['Р', 'Ρ'],
  T: ['Т', 'Τ'],
};
const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u180e'];

/** Transformations a delegate might try, each keeping the text readable as the same text. */
export const transformation = fc.oneof(
  fc.record({ kind: fc.constant('spaces' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('invisible' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('confusables' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('case' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('punctuation' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('reorder' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('typos' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('fullwidth' as const), seed: fc.nat() }),
);

/** A small deterministic generator, so a transformation is a value fast-check can shrink and print. */
function rng(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

export function transform(text: string, t: { kind: string; seed: number }): string {
  const r = rng(t.seed);
  const chars = [...text];
  switch (t.kind) {
    case 'spaces':
      return text.replace(/ /g, () => (r() < 0.5 ? '  ' : r() < 0.5 ? ' \n' : '\t'));
    case 'invisible':
      return chars.map((c) => (r() < 0.4 ? c + INVISIBLE[Math.floor(r() * INVISIBLE.length)] : c)).join('');
    case 'confusables':
      return chars.map((c) => (LOOKALIKES[c] && r() < 0.7 ? LOOKALIKES[c]![0]! : c)).join('');
    case 'case':
      return chars.map((c) => (r() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
    case 'punctuation':
      return text.replace(/[.,;:]/g, () => (r() < 0.5 ? '' : '…')).replace(/ /g, () => (r() < 0.2 ? ' - ' : ' '));
    case 'reorder': {
      const sentences = text.split(/(?<=[.;])\s+/);
      for (let i = sentences.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [sentences[i], sentences[j]] = [sentences[j]!, sentences[i]!];
      }
      return sentences.join(' ');
    }
    case 'typos': {
      // One changed letter every 40 characters or so: the text still reads the same.
      return chars
        .map((c, i) => (i % 40 === 20 && /[a-z]/.test(c) ? String.fromCharCode(97 + Math.floor(r() * 26)) : c))
        .join('');
    }
    case 'fullwidth':
      return chars
        .map((c) => (r() < 0.5 && c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c))
        .join('');
    default:
      throw new Error(t.kind);
  }
}
