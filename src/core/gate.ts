import { CONFUSABLES } from './confusables-table.ts';
import { pointRenderings } from './languages.ts';
import type { Point } from './model.ts';

/**
 * The gate's measure of language: whether words carry a governed text a party has not received,
 * robust to the edits that leave the language readable. Pure and linear in the text.
 *
 * 1. **Normalise** (`skeleton`): Unicode NFKC, case folded, default-ignorable and format characters
 *    (zero-width spaces, joiners, soft hyphens, bidi controls) removed, confusable characters mapped to
 *    their prototype per Unicode TS #39 (a Cyrillic "а" reads as a Latin "a"), combining marks removed,
 *    and everything but letters and digits dropped: whitespace, punctuation and line breaks no longer
 *    count, so joining or splitting points, re-spacing or re-punctuating changes nothing.
 * 2. **Fingerprint** (`fingerprint`): every run of `SHINGLE` characters of the skeleton is hashed and
 *    the winnowing algorithm (Schleimer, Wilkerson & Aiken, 2003) keeps the smallest hash of every
 *    `WINDOW` consecutive ones. Any run of at least `GUARANTEE` characters shared by two texts gives
 *    them a fingerprint in common, wherever it stands in each: reordered sentences, a text split into
 *    bracket alternatives, or one changed character every few words still share most fingerprints.
 * 3. **Compare** (`carries`): the language of a governed text that the recipient has not received (its
 *    fingerprints less those of what the recipient holds, and of what was written before it) is
 *    carried by some words when those words hold at least `THRESHOLD` of that new language in one of
 *    the text's pieces (a point's title and text, one of its bracket alternatives, or the label and
 *    summary) or in the whole text.
 *
 * The parameters were chosen on the demo's texts: a copy of any piece of the post-Geneva text with
 * new language of at least `MINIMUM` fingerprints, put through two of the transformations of
 * `test/core/transformations.ts` (one changed letter every 40 characters among them) and split in
 * two, keeps at least 46 % of that new language, while no public statement, round outcome or joint
 * statement of the demo holds more than 18 % of any: 40 % lies between.
 *
 * What it cannot catch: a person who retypes the text in other words. See SECURITY.md.
 */

/** Characters in a shingle (the noise threshold: shorter runs in common are never counted). */
export const SHINGLE = 8;
/** Shingles in a winnowing window. */
export const WINDOW = 4;
/** Any run of this many characters (of the skeleton) shared by two texts is found. */
export const GUARANTEE = SHINGLE + WINDOW - 1;
/** The share of a governed point's (or text's) new language whose presence makes words a copy. */
export const THRESHOLD = 0.4;
/** A piece with fewer new fingerprints than this (about 25 characters) is too short to be told apart from common phrasing. */
export const MINIMUM = 10;

let prototypes: Map<number, string> | null = null;

function prototypeOf(codePoint: number): string | undefined {
  if (prototypes === null) {
    prototypes = new Map();
    for (const entry of CONFUSABLES.split(',')) {
      const [source, target] = entry.split(' ');
      prototypes.set(
        parseInt(source!, 16),
        String.fromCodePoint(...target!.split('.').map((hex) => parseInt(hex, 16))),
      );
    }
  }
  return prototypes.get(codePoint);
}

const IGNORABLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;
const MARKS = /\p{M}/gu;
/** Modifier letters left after NFKC (an Arabic tatweel "ـ", a length mark): they stretch or mark a letter, and say nothing of their own. */
const MODIFIERS = /\p{Lm}/gu;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]/gu;
/** Unicode tag characters: invisible, they spell ASCII text ("ASCII smuggling"); read as the letters they spell. */
const TAGS = /[\u{E0020}-\u{E007E}]/gu;
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;

/**
 * The text as the gate reads it: letters and digits only, in one case, with look-alikes made alike.
 *
 * @example skeleton('Donetsk  is\u200b ceded.') === skeleton('DОNETSK IS CEDED') // true (a Cyrillic "О")
 */
export function skeleton(text: string): string {
  const untagged = text.replace(TAGS, (c) => String.fromCharCode(c.codePointAt(0)! - 0xe0000));
  const shown = visualOrder(decodeEntities(untagged));
  const folded = shown.normalize('NFKC').replace(IGNORABLE, '').normalize('NFD');
  let mapped = '';
  for (const char of folded) mapped += prototype(char);
  return mapped
    .normalize('NFD')
    .replace(MARKS, '')
    .toLowerCase()
    .replace(MODIFIERS, '')
    .replace(NOT_LETTER_OR_DIGIT, '');
}

const NAMED = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", shy: '' } as Record<string, string>;
const ENTITY =
  /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z])(?:acute|grave|circ|uml|tilde|ring|cedil|slash|caron);|([a-z]{2,6}));?/g;

/**
 * The text as Markdown or HTML would show it: character references ("&#97;", "&#x61;", "&eacute;",
 * "&nbsp;") read as the characters they stand for, so a text spelled in them is read as itself.
 */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, dec?: string, hex?: string, accented?: string, name?: string) => {
    if (accented) return accented;
    if (name !== undefined) return NAMED[name] ?? whole;
    const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

/**
 * The text in the order a reader sees it when bidirectional overrides rearrange it: "\u202E" followed
 * by a text written backwards shows the text forwards, so it is read forwards. Only the explicit
 * controls are resolved (UAX #9's levels for overrides, embeddings and isolates, rule L2); text
 * outside an override keeps its order. Linear in the text times the nesting depth (at most 125).
 */
function visualOrder(text: string): string {
  if (!BIDI_CONTROLS.test(text)) return text;
  const chars: string[] = [];
  const levels: number[] = [];
  type Entry = { level: number; override: 'L' | 'R' | null; isolate: boolean };
  const base: Entry = { level: 0, override: null, isolate: false };
  let stack: Entry[] = [base];
  const next = (odd: boolean) => {
    const level = stack[stack.length - 1]!.level;
    return odd ? (level % 2 === 0 ? level + 1 : level + 2) : level % 2 === 0 ? level + 2 : level + 1;
  };
  for (const char of text) {
    const top = stack[stack.length - 1]!;
    const push = (odd: boolean, override: Entry['override'], isolate: boolean) => {
      const level = next(odd);
      if (level <= 125) stack.push({ level, override, isolate });
    };
    if (char === '\u202E') push(true, 'R', false);
    else if (char === '\u202D') push(false, 'L', false);
    else if (char === '\u202B') push(true, null, false);
    else if (char === '\u202A') push(false, null, false);
    else if (char === '\u2067' || char === '\u2068') push(true, null, true);
    else if (char === '\u2066') push(false, null, true);
    else if (char === '\u202C') {
      if (stack.length > 1 && !top.isolate) stack.pop();
    } else if (char === '\u2069') {
      while (stack.length > 1 && !stack.pop()!.isolate);
    } else if (char === '\n' || char === '\r' || char === '\u2029') {
      stack = [base];
      chars.push(char);
      levels.push(0);
    } else {
      chars.push(char);
      // Overridden characters take the override's direction; others read left to right, as Latin does.
      levels.push(top.override !== null || top.level % 2 === 0 ? top.level : top.level + 1);
    }
  }
  const max = Math.max(0, ...levels);
  for (let level = max; level >= 1; level--) {
    for (let i = 0; i < chars.length;) {
      if (levels[i]! < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < chars.length && levels[j]! >= level) j++;
      for (let a = i, b = j - 1; a < b; a++, b--) {
        [chars[a], chars[b]] = [chars[b]!, chars[a]!];
        [levels[a], levels[b]] = [levels[b]!, levels[a]!];
      }
      i = j;
    }
  }
  return chars.join('');
}

const ASCII_ALNUM = /^[a-z0-9]+$/;

/**
 * Look-alikes TS #39 does not make alike, read as the Latin letter a reader sees: small capitals
 * ("ᴛʜᴇ"), the Greek epsilon (TS #39 maps it to "ꞓ", not "e"), letters drawn inside symbols (🅰, 🄰
 * negative, regional indicators, Braille's letters a–z), and the digits and signs of "l33t" spelling
 * ("c3d3d", "@", "$"). Both the words and the governed text are read so, so nothing is lost.
 */
const EXTRA = new Map<number, string>([
  ...[...'abcdefghijklmnopqrstuvwxyz'].flatMap((letter, i): [number, string][] => [
    [0x1f170 + i, letter],
    [0x1f150 + i, letter],
    [0x1f1e6 + i, letter],
    [
      0x2800 + [1, 3, 9, 25, 17, 11, 27, 19, 10, 26, 5, 7, 13, 29, 21, 15, 31, 23, 14, 30, 37, 39, 58, 45, 61, 53][i]!,
      letter,
    ],
  ]),
  ...Object.entries({
    ᴀ: 'a',
    ʙ: 'b',
    ᴄ: 'c',
    ᴅ: 'd',
    ᴇ: 'e',
    ꜰ: 'f',
    ɢ: 'g',
    ʜ: 'h',
    ɪ: 'i',
    ᴊ: 'j',
    ᴋ: 'k',
    ĸ: 'k',
    ʟ: 'l',
    ᴍ: 'm',
    ɴ: 'n',
    ᴏ: 'o',
    ᴘ: 'p',
    ʀ: 'r',
    ꜱ: 's',
    ᴛ: 't',
    ᴜ: 'u',
    ᴠ: 'v',
    ᴡ: 'w',
    ʏ: 'y',
    ᴢ: 'z',
    ꞓ: 'e',
    ε: 'e',
    ɛ: 'e',
    '0': 'o',
    '1': 'l',
    '3': 'e',
    '4': 'a',
    '5': 's',
    '7': 't',
    '@': 'a',
    $: 's',
  }).map(([char, letter]): [number, string] => [char.codePointAt(0)!, letter]),
]);

/**
 * One character's prototype, case folded. TS #39's table is case-sensitive ("I" reads as "l", a
 * Cyrillic "т" as a small capital "ᴛ"), so both orders are tried: the lower case's prototype, or else
 * the prototype's lower case when only that one is plain Latin ("Т" → "T" → "t"); a look-alike of
 * `EXTRA` is read as its letter.
 */
function prototype(char: string): string {
  const extra = EXTRA.get(char.codePointAt(0)!);
  // The letter as TS #39 reads it in turn ("m" reads as "rn").
  if (extra !== undefined) return prototype(extra);
  const lower = char.toLowerCase();
  const first = (prototypeOf(lower.codePointAt(0)!) ?? lower).toLowerCase();
  if (ASCII_ALNUM.test(first)) return first;
  const second = (prototypeOf(char.codePointAt(0)!) ?? char).toLowerCase();
  if (ASCII_ALNUM.test(second)) return second;
  const extraOfFirst = EXTRA.get(first.codePointAt(0)!);
  return extraOfFirst === undefined ? first : prototype(extraOfFirst);
}

/** Two 26-bit FNV-1a variants of one shingle, as one safe integer. */
function shingleHash(text: string, start: number): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = start; i < start + SHINGLE; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x0100019b) ^ (b >>> 13);
  }
  return (a >>> 6) * 0x4000000 + (b >>> 6);
}

/**
 * The winnowed fingerprints of a text's skeleton: linear in its length. A skeleton shorter than a
 * shingle has one fingerprint, of itself, so that short texts still compare equal to themselves.
 *
 * @example fingerprint('No territory is ceded by force.').size > 0 // true
 */
export function fingerprint(text: string, into: Set<number> = new Set()): Set<number> {
  const skel = skeleton(text);
  if (skel.length === 0) return into;
  if (skel.length < SHINGLE) {
    into.add(shingleHash(skel.padEnd(SHINGLE, '\u0000'), 0));
    return into;
  }
  const count = skel.length - SHINGLE + 1;
  const hashes = new Array<number>(count);
  for (let i = 0; i < count; i++) hashes[i] = shingleHash(skel, i);
  if (count <= WINDOW) {
    into.add(Math.min(...hashes));
    return into;
  }
  // A monotone deque of positions whose hashes increase: its head is the window's (rightmost) minimum.
  const deque = new Int32Array(count);
  let head = 0;
  let tail = 0;
  let last = -1;
  for (let i = 0; i < count; i++) {
    while (tail > head && hashes[deque[tail - 1]!]! >= hashes[i]!) tail--;
    deque[tail++] = i;
    if (deque[head]! <= i - WINDOW) head++;
    if (i >= WINDOW - 1 && deque[head] !== last) {
      last = deque[head]!;
      into.add(hashes[last]!);
    }
  }
  return into;
}

/** The new language of one governed text, point by point, for one recipient. */
export interface NewLanguage {
  /** Each point's fingerprints that are neither held by the recipient nor older than the text. */
  points: { number: number; fingerprints: Set<number> }[];
  /** All of them together. */
  all: Set<number>;
}

/**
 * The language a governed text brings that a recipient does not hold: its points' fingerprints less
 * `known` (what the recipient holds, and language written before the governed text).
 */
export function newLanguage(points: { number: number; fingerprints: Set<number> }[], known: Set<number>): NewLanguage {
  const all = new Set<number>();
  const kept = points.map((point) => {
    const fresh = new Set<number>();
    for (const f of point.fingerprints) if (!known.has(f)) fresh.add(f);
    for (const f of fresh) all.add(f);
    return { number: point.number, fingerprints: fresh };
  });
  return { points: kept.filter((p) => p.fingerprints.size > 0), all };
}

/** What a copy carries, for the refusal: which point, and how much of its new language. */
export interface Carried {
  /** The governed point carried, or null when the measure was over the whole text. */
  pointNumber: number | null;
  shared: number;
  of: number;
}

function overlap(a: Set<number>, b: Set<number>): number {
  let n = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const f of small) if (large.has(f)) n++;
  return n;
}

/**
 * Whether words (their fingerprints) carry a governed text's new language: `THRESHOLD` of one of its
 * points (of at least `MINIMUM` fingerprints) or of the whole.
 *
 * @example carries(fingerprint(copy), newLanguage(governedPoints, held)) // { pointNumber: 4, shared: 30, of: 41 }
 */
export function carries(words: Set<number>, governed: NewLanguage): Carried | null {
  if (governed.all.size === 0 || words.size === 0) return null;
  const total = overlap(words, governed.all);
  if (total === 0) return null;
  if (governed.all.size >= MINIMUM && total >= THRESHOLD * governed.all.size)
    return { pointNumber: null, shared: total, of: governed.all.size };
  for (const point of governed.points) {
    if (point.fingerprints.size < MINIMUM) continue;
    const shared = overlap(words, point.fingerprints);
    if (shared >= THRESHOLD * point.fingerprints.size)
      return { pointNumber: point.number, shared, of: point.fingerprints.size };
  }
  return null;
}

/**
 * The words a version carries to its recipient: the summary, every point's title, text and
 * alternatives in every language it has (its translations are words sent as much as its own), and (as words sent, not as a governed text's language) its label and source, which
 * the recipient reads too: a copy put in the label or the source is still a copy. A governed text's
 * own label is its name, which people may speak of freely, so it is not held back (`printsOf`).
 */
export function versionWords(version: {
  summary: string;
  label?: string;
  source?: string | null;
  points: Point[];
}): string[] {
  return [
    version.summary,
    version.label ?? '',
    version.source ?? '',
    ...version.points.flatMap((point) => pointRenderings(point).flatMap(pointWords)),
  ];
}

/** A point's words: title, text (without bracket placeholders) and every alternative. */
export function pointWords(point: {
  title: string;
  text: string;
  brackets: { alternatives: { text: string }[] }[];
}): string[] {
  return [
    point.title,
    point.text.replace(/\[\[[^\]]*\]\]/g, ' '),
    ...point.brackets.flatMap((b) => b.alternatives.map((a) => a.text)),
  ];
}

/** The fingerprints of several pieces of text, each fingerprinted apart (nothing spans two pieces). */
export function fingerprintAll(pieces: string[]): Set<number> {
  const into = new Set<number>();
  for (const piece of pieces) fingerprint(piece, into);
  return into;
}
