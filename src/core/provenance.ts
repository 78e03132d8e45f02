import { diffWordsWithSpace, type ChangeObject } from 'diff';
import { DIFF_BUDGET } from './compare.ts';
import type { Id, Point, PointProvenance, ProvenanceSpan, VersionProvenance } from './model.ts';

/**
 * Where every character of the text came from. For each point of a version, the characters of its
 * title and of its text (placeholders `[[bracket-id]]` included, as stored) are covered by spans, in
 * order, with no gap, no overlap and no empty span; adjacent spans of the same origin are one. An
 * origin is the version that brought the characters, the round it came from, and, when an amendment
 * brought them into that version, the amendment and its party. Bracket alternatives are not covered.
 */

/** The fields of a point that carry provenance. */
export const PROVENANCE_FIELDS = ['title', 'text'] as const;
export type ProvenanceField = (typeof PROVENANCE_FIELDS)[number];

/** Where characters came from: a span without its place. */
export type Origin = Omit<ProvenanceSpan, 'start' | 'end'>;

/** Characters `[start, end)` of a point's field in the new version, brought there by an amendment. */
export interface Attribution {
  pointId: Id;
  field: ProvenanceField;
  start: number;
  end: number;
  amendmentId: Id;
  partyId: Id | null;
}

type TextPoint = Pick<Point, 'id' | 'title' | 'text'>;

const sameOrigin = (a: Origin, b: Origin) =>
  a.versionId === b.versionId && a.amendmentId === b.amendmentId && a.partyId === b.partyId && a.roundId === b.roundId;

/** Spans from one origin per character, adjacent equal origins merged. */
function spansOf(origins: Origin[]): ProvenanceSpan[] {
  const spans: ProvenanceSpan[] = [];
  origins.forEach((origin, i) => {
    const last = spans[spans.length - 1];
    if (last && sameOrigin(last, origin)) last.end = i + 1;
    else spans.push({ start: i, end: i + 1, ...origin });
  });
  return spans;
}

/** One origin per character of a field of `length` characters; characters no span covers get `missing`. */
function originsOf(spans: ProvenanceSpan[] | undefined, length: number, missing: Origin | null): (Origin | null)[] {
  const origins = new Array<Origin | null>(length).fill(missing);
  for (const span of spans ?? []) {
    const { start: _start, end: _end, ...origin } = span;
    for (let i = Math.max(0, span.start); i < Math.min(length, span.end); i++) origins[i] = origin;
  }
  return origins;
}

/**
 * A version's provenance when nothing came before it: every character from that version.
 *
 * @example originalProvenance({ id: 'v1', roundId: 'r-geneva', points })['pt-1'].text
 * // [{ start: 0, end: 52, versionId: 'v1', amendmentId: null, partyId: null, roundId: 'r-geneva' }]
 */
export function originalProvenance(version: {
  id: Id;
  points: TextPoint[];
  roundId?: Id | null;
  /** The party the version's own characters are credited to (its author), or null for a text of the table. */
  partyId?: Id | null;
}): VersionProvenance {
  const origin: Origin = {
    versionId: version.id,
    amendmentId: null,
    partyId: version.partyId ?? null,
    roundId: version.roundId ?? null,
  };
  const provenance: VersionProvenance = {};
  for (const point of version.points)
    provenance[point.id] = {
      title: spansOf(new Array<Origin>(point.title.length).fill(origin)),
      text: spansOf(new Array<Origin>(point.text.length).fill(origin)),
    };
  return provenance;
}

/**
 * A word differ that spends at most `budget` over one carry, in compare.ts's units: reading a
 * character costs 0.8 and an edit distance D costs D² / 4; one field may take half of what is left.
 * Returns undefined when the edit distance would exceed what it may spend.
 */
function budgetedDiffer(budget: number): (a: string, b: string) => ChangeObject<string>[] | undefined {
  let left = budget;
  return (a, b) => {
    const reading = (a.length + b.length) * 0.8;
    const edits = Math.floor(Math.sqrt(Math.max(0, (left / 2 - reading) * 4)));
    if (edits < 1) return undefined;
    const diff = diffWordsWithSpace(a, b, { maxEditLength: edits });
    const spent = diff ? diff.reduce((sum, c) => sum + (c.added || c.removed ? (c.count ?? 1) : 0), 0) : edits;
    left -= reading + Math.min(spent, edits) ** 2 / 4;
    return diff;
  };
}

/**
 * The new field's origins: characters the diff finds unchanged keep their old origin (a separator's
 * null is never carried), the others keep `fresh`. The common beginning and end are matched character
 * by character; only the middle between them is diffed, word by word, when the budget allows.
 */
function carryField(
  oldText: string,
  oldOrigins: (Origin | null)[],
  newText: string,
  fresh: Origin[],
  differ: (a: string, b: string) => ChangeObject<string>[] | undefined,
): Origin[] {
  const result = fresh.slice();
  const carry = (to: number, from: number) => {
    const origin = oldOrigins[from];
    if (origin) result[to] = origin;
  };
  const limit = Math.min(oldText.length, newText.length);
  let head = 0;
  while (head < limit && oldText.charCodeAt(head) === newText.charCodeAt(head)) {
    carry(head, head);
    head++;
  }
  let tail = 0;
  while (
    tail < limit - head &&
    oldText.charCodeAt(oldText.length - 1 - tail) === newText.charCodeAt(newText.length - 1 - tail)
  ) {
    carry(newText.length - 1 - tail, oldText.length - 1 - tail);
    tail++;
  }
  const oldMiddle = oldText.slice(head, oldText.length - tail);
  const newMiddle = newText.slice(head, newText.length - tail);
  if (!oldMiddle || !newMiddle) return result;
  const changes = differ(oldMiddle, newMiddle);
  if (!changes) return result;
  const kept: [number, number, number][] = [];
  let o = head;
  let n = head;
  for (const change of changes) {
    const length = change.value.length;
    if (change.added) n += length;
    else if (change.removed) o += length;
    else {
      // Unchanged text must be the same characters on both sides; if the differ said otherwise, carry nothing.
      if (oldText.slice(o, o + length) !== change.value || newText.slice(n, n + length) !== change.value) return result;
      kept.push([n, o, length]);
      o += length;
      n += length;
    }
  }
  for (const [to, from, length] of kept) for (let i = 0; i < length; i++) carry(to + i, from + i);
  return result;
}

/** The points a new point's text is carried from: itself, and the points it was made from that went. */
function sourcesOf(point: TextPoint, before: Map<Id, TextPoint>, after: Set<Id>, derivedFrom: Id[]): TextPoint[] {
  const own = before.get(point.id);
  const others = derivedFrom.filter((id) => id !== point.id && before.has(id) && (!own || !after.has(id)));
  return [...(own ? [own] : []), ...[...new Set(others)].map((id) => before.get(id)!)];
}

/**
 * The provenance of a new version, carried from the one before. For a point that survives (same id)
 * each field is diffed with its old text: unchanged characters keep their origin, new ones get the
 * new version's origin, or the origin of the amendment an `attributions` entry says brought them
 * (later entries win where they overlap; ranges are clipped to the field). A point listed in
 * `derivedFrom` (merged or split from others) is carried from the text of its sources that the
 * previous version holds (its own old text first; a source that survives beside it is not read
 * again). Points with no source are new. When the diffs would cost more than `budget` (compare.ts's
 * units), the changed middle of a field is treated as new.
 *
 * @example
 * const v2 = carryProvenance({ points: v1.points, provenance: originalProvenance(v1) },
 *   { points: v2Points, versionId: 'v2', roundId: 'r-2' },
 *   [{ pointId: 'pt-3', field: 'text', start: 10, end: 24, amendmentId: 'am-7', partyId: 'ua' }]);
 * v2['pt-3'].text // [{ start: 0, end: 10, versionId: 'v1', … }, { start: 10, end: 24, amendmentId: 'am-7', partyId: 'ua', … }, …]
 */
export function carryProvenance(
  previous: { points: TextPoint[]; provenance: VersionProvenance },
  next: {
    points: TextPoint[];
    versionId: Id;
    roundId: Id | null;
    /** The party the version's own new characters are credited to (its author), or null. */
    partyId?: Id | null;
    /** For a point made by merging or splitting: the ids of the points it was made from. */
    derivedFrom?: Record<Id, Id[]>;
  },
  attributions: Attribution[] = [],
  budget: number = DIFF_BUDGET,
): VersionProvenance {
  const own: Origin = {
    versionId: next.versionId,
    amendmentId: null,
    partyId: next.partyId ?? null,
    roundId: next.roundId,
  };
  const before = new Map(previous.points.map((point) => [point.id, point]));
  const after = new Set(next.points.map((point) => point.id));
  const differ = budgetedDiffer(budget);
  const brought = new Map<string, Attribution[]>();
  for (const a of attributions)
    brought.set(`${a.pointId}\u0000${a.field}`, [...(brought.get(`${a.pointId}\u0000${a.field}`) ?? []), a]);
  const provenance: VersionProvenance = {};
  for (const point of next.points) {
    const sources = sourcesOf(point, before, after, next.derivedFrom?.[point.id] ?? []);
    const fields = {} as PointProvenance;
    for (const field of PROVENANCE_FIELDS) {
      const text = point[field];
      const fresh = new Array<Origin>(text.length).fill(own);
      for (const a of brought.get(`${point.id}\u0000${field}`) ?? [])
        for (let i = Math.max(0, a.start); i < Math.min(text.length, a.end); i++)
          fresh[i] = {
            versionId: next.versionId,
            amendmentId: a.amendmentId,
            partyId: a.partyId,
            roundId: next.roundId,
          };
      if (sources.length === 0) {
        fields[field] = spansOf(fresh);
        continue;
      }
      // Several sources are read as one text, joined by a character no text holds, which carries nothing.
      let oldText = '';
      let oldOrigins: (Origin | null)[] = [];
      sources.forEach((source, i) => {
        if (i > 0) {
          oldText += '\u0000';
          oldOrigins.push(null);
        }
        const sourceText = source[field];
        oldText += sourceText;
        oldOrigins = oldOrigins.concat(originsOf(previous.provenance[source.id]?.[field], sourceText.length, null));
      });
      fields[field] = spansOf(carryField(oldText, oldOrigins, text, fresh, differ));
    }
    provenance[point.id] = fields;
  }
  return provenance;
}

/**
 * Spans as a reader may see them: where an amendment the reader may not know of brought characters,
 * its amendment and party become null (or the version's own party, from `versionPartyId`), so the
 * characters read as the version's own; the version and round stay. Spans that become alike are merged,
 * so the amendment's bounds do not show either.
 *
 * @example redactProvenance(spans, (amendmentId) => known.has(amendmentId))
 */
export function redactProvenance(
  spans: ProvenanceSpan[],
  mayKnow: (amendmentId: Id) => boolean,
  versionPartyId: (versionId: Id) => Id | null = () => null,
): ProvenanceSpan[] {
  const out: ProvenanceSpan[] = [];
  for (const span of spans) {
    const hidden = span.amendmentId !== null && !mayKnow(span.amendmentId);
    const seen = hidden ? { ...span, amendmentId: null, partyId: versionPartyId(span.versionId) } : { ...span };
    const last = out[out.length - 1];
    if (last && last.end === seen.start && sameOrigin(last, seen)) last.end = seen.end;
    else out.push(seen);
  }
  return out;
}

/** `redactProvenance` over every field of every point of a version's provenance. */
export function redactVersionProvenance(
  provenance: VersionProvenance,
  mayKnow: (amendmentId: Id) => boolean,
  versionPartyId?: (versionId: Id) => Id | null,
): VersionProvenance {
  const out: VersionProvenance = {};
  for (const [pointId, fields] of Object.entries(provenance))
    out[pointId] = {
      title: redactProvenance(fields.title, mayKnow, versionPartyId),
      text: redactProvenance(fields.text, mayKnow, versionPartyId),
    };
  return out;
}
