/**
 * Finding known phrases (option labels) in a text, word by word, in time linear in the text: an
 * Aho-Corasick automaton whose alphabet is words, not characters, so a phrase only ever matches whole
 * words ("cap" is not found in "capital").
 */

/**
 * The words of a text as compared: Unicode NFKC, lower case, runs of letters, combining marks and
 * digits; everything else separates words. So "600,000" reads as the words "600 000", and "Ｄonetsk"
 * (a full-width letter) as "donetsk".
 *
 * @example
 * phraseWords('A cap of 600,000 — Donetsk!'); // ['a', 'cap', 'of', '600', '000', 'donetsk']
 */
export function phraseWords(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{M}\p{N}]+/gu) ?? []
  );
}

/** Where a phrase was found: the words `[start, end)` of the text, and the values its phrase carries. */
export interface PhraseMatch<T> {
  start: number;
  end: number;
  values: readonly T[];
}

/**
 * A set of phrases, each carrying values, compiled once and then run over any number of texts. Its
 * `outermost` answers, in one pass over a text, the phrases found there that are not part of a longer
 * phrase found at the same place: in "Donetsk and Luhansk" the phrase "Donetsk and Luhansk" is found,
 * and "Donetsk" (a prefix of it) or "Luhansk" (a suffix) is not. Building costs time linear in the
 * words of the phrases; a search, time linear in the words of the text (hashing each word once).
 *
 * @example
 * const labels = new PhraseMatcher<string>([
 *   ['Donetsk', 'd'],
 *   ['Donetsk and Luhansk', 'dl'],
 *   ['cap', 'c'],
 * ]);
 * labels.outermost('Donetsk and Luhansk are ceded; the capital is not').map((m) => m.values);
 * // [['dl']]: "Donetsk" lies inside the longer label, and "capital" is not the word "cap"
 * labels.outermost('Donetsk is ceded, Luhansk is not').map((m) => m.values); // [['d']]
 */
export class PhraseMatcher<T> {
  /** Each word of a phrase as a number; a word of a text that no phrase holds has none. */
  private readonly wordIds = new Map<string, number>();
  /** The trie's edges: `node * WORDS + wordId` → child node. */
  private readonly edges = new Map<number, number>();
  /** Per node: where to continue when the next word has no edge (the longest proper suffix that is a trie node). */
  private readonly fail: number[] = [0];
  /** Per node: its depth in words. */
  private readonly depth: number[] = [0];
  /** Per node: the values of the phrase that ends exactly there, or null. */
  private readonly values: (T[] | null)[] = [null];
  /** Per node: the longest phrase ending at this node's end (itself or a suffix), or -1. */
  private readonly longestOut: number[] = [-1];

  constructor(phrases: Iterable<readonly [string, T]>) {
    const children: number[][] = [[]];
    for (const [phrase, value] of phrases) {
      const words = phraseWords(phrase);
      if (words.length === 0) continue;
      let node = 0;
      for (const word of words) {
        let id = this.wordIds.get(word);
        if (id === undefined) {
          if (this.wordIds.size >= WORDS) throw new RangeError(`more than ${WORDS} distinct words in the phrases`);
          this.wordIds.set(word, (id = this.wordIds.size));
        }
        const key = edgeKey(node, id);
        let child = this.edges.get(key);
        if (child === undefined) {
          child = this.depth.length;
          this.edges.set(key, child);
          this.fail.push(0);
          this.depth.push(this.depth[node]! + 1);
          this.values.push(null);
          this.longestOut.push(-1);
          children.push([]);
          children[node]!.push(id);
        }
        node = child;
      }
      (this.values[node] ??= []).push(value);
    }
    // Breadth first: a node's failure link is known before its children's.
    const queue: number[] = [0];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      this.longestOut[node] = this.values[node] !== null ? node : node === 0 ? -1 : this.longestOut[this.fail[node]!]!;
      for (const id of children[node]!) {
        const child = this.edges.get(edgeKey(node, id))!;
        this.fail[child] = node === 0 ? 0 : this.step(this.fail[node]!, id);
        queue.push(child);
      }
    }
  }

  /** The automaton's move from `node` on a word. */
  private step(node: number, id: number | undefined): number {
    if (id === undefined) return 0;
    for (;;) {
      const next = this.edges.get(edgeKey(node, id));
      if (next !== undefined) return next;
      if (node === 0) return 0;
      node = this.fail[node]!;
    }
  }

  /**
   * The phrases found in `text` that lie inside no longer phrase found there, in the order of the
   * text. At each end only the longest phrase ending there can be outermost; it is, unless a phrase
   * ending later starts at or before it.
   */
  outermost(text: string): PhraseMatch<T>[] {
    const words = phraseWords(text);
    const ends: { start: number; end: number; node: number }[] = [];
    let node = 0;
    for (let i = 0; i < words.length; i++) {
      node = this.step(node, this.wordIds.get(words[i]!));
      const out = this.longestOut[node]!;
      if (out >= 0) ends.push({ start: i + 1 - this.depth[out]!, end: i + 1, node: out });
    }
    const found: PhraseMatch<T>[] = [];
    let earliestLaterStart = Infinity;
    for (let k = ends.length - 1; k >= 0; k--) {
      const { start, end, node: at } = ends[k]!;
      if (start < earliestLaterStart) found.push({ start, end, values: this.values[at]! });
      earliestLaterStart = Math.min(earliestLaterStart, start);
    }
    return found.reverse();
  }
}

/** Up to 2^21 distinct words (a phrase set of 300-character labels holds far fewer); node ids stay exact below 2^53. */
const WORDS = 2 ** 21;
const edgeKey = (node: number, id: number) => node * WORDS + id;
