/**
 * What an amendment changes, and where: the change's shape (a zod schema per kind), the check that
 * its anchor holds in a version's points, and the pairs of amendments that cannot both be applied.
 * Pure: no clock, no ids made here. `core/amendments.ts` builds consolidation and re-anchoring on it
 * and re-exports all of it; import from there.
 *
 * Offsets are UTF-16 code units into one field of one point (`text` or `title`), as JavaScript's
 * `String.prototype.slice` counts them; a span is [start, end). A point's text holds each of its
 * brackets as the placeholder `[[bracket-id]]` (see `core/document.ts`): an amendment takes a
 * placeholder as a whole or leaves it alone.
 */
import { z } from 'zod';
import { findPlaceholders } from './document.ts';
import { DomainError, invalid } from './errors.ts';
import { TEXT_LIMITS } from './limits.ts';
import type { Id, Point } from './model.ts';
import { idSchema, idsSchema } from './schemas.ts';

export const AMENDABLE_FIELDS = ['text', 'title'] as const;
/** The field of a point a span change is in. */
export type AmendableField = (typeof AMENDABLE_FIELDS)[number];

/** How long a point's title may be (as `pointSchema` says). */
export const TITLE_LENGTH = 500;
/** How many characters of context an insertion carries on each side, at most. */
export const INSERT_CONTEXT_LENGTH = 200;

const fieldSchema = z.enum(AMENDABLE_FIELDS).describe("The point's field the change is in: its text or its title");
const offset = (what: string) =>
  z.number().int().min(0).max(TEXT_LIMITS.pointText).describe(what).meta({ example: 12 });
const words = z.string().max(TEXT_LIMITS.pointText);
const context = (side: string) =>
  z
    .string()
    .max(INSERT_CONTEXT_LENGTH)
    .optional()
    .describe(`The characters just ${side} the insertion point, to find the place again once the text has changed`);

export const replaceChangeSchema = z.object({
  kind: z.literal('replace'),
  pointId: idSchema,
  field: fieldSchema,
  start: offset('Where the replaced span starts: a UTF-16 offset into the field'),
  end: offset('Where the replaced span ends (exclusive)'),
  quote: words.describe('The span as it stands now; the change is refused when the field holds something else there'),
  text: words.describe('The wording that replaces the span'),
});

export const insertChangeSchema = z.object({
  kind: z.literal('insert'),
  pointId: idSchema,
  field: fieldSchema,
  at: offset('Where the text is inserted: a UTF-16 offset into the field'),
  text: words.describe('The wording inserted'),
  before: context('before'),
  after: context('after'),
});

export const deleteChangeSchema = z.object({
  kind: z.literal('delete'),
  pointId: idSchema,
  field: fieldSchema,
  start: offset('Where the deleted span starts: a UTF-16 offset into the field'),
  end: offset('Where the deleted span ends (exclusive)'),
  quote: words.describe('The span as it stands now; the change is refused when the field holds something else there'),
});

export const addPointChangeSchema = z.object({
  kind: z.literal('addPoint'),
  afterPointId: idSchema.nullable().describe('The point the new one follows; null to put it first'),
  title: z.string().max(TITLE_LENGTH),
  text: words,
  issueIds: idsSchema.optional(),
});

export const deletePointChangeSchema = z.object({
  kind: z.literal('deletePoint'),
  pointId: idSchema,
  quote: z.string().max(TITLE_LENGTH).describe("The point's title, to be sure of the point deleted"),
});

/** What one amendment changes in a version's points, told apart by `kind`. */
export const amendmentChangeSchema = z.discriminatedUnion('kind', [
  replaceChangeSchema,
  insertChangeSchema,
  deleteChangeSchema,
  addPointChangeSchema,
  deletePointChangeSchema,
]);

/** The amendments to one version, each with its id: at most `TEXT_LIMITS.amendmentsPerVersion`. */
export const amendmentChangesSchema = z
  .array(z.object({ id: idSchema, change: amendmentChangeSchema }))
  .max(TEXT_LIMITS.amendmentsPerVersion);

export type ReplaceChange = z.infer<typeof replaceChangeSchema>;
export type InsertChange = z.infer<typeof insertChangeSchema>;
export type DeleteChange = z.infer<typeof deleteChangeSchema>;
export type AddPointChange = z.infer<typeof addPointChangeSchema>;
export type DeletePointChange = z.infer<typeof deletePointChangeSchema>;
export type AmendmentChange = z.infer<typeof amendmentChangeSchema>;
/** A change to a span of one field: replace, insert (an empty span) or delete. */
export type SpanChange = ReplaceChange | InsertChange | DeleteChange;
/** Anything with an id and a change: a stored amendment fits, and keeps its other fields through re-anchoring. */
export interface AmendmentLike {
  id: Id;
  change: AmendmentChange;
}

/**
 * Whether a change is to a span of a field (replace, insert, delete) rather than to a whole point.
 * @example
 * isSpanChange({ kind: 'deletePoint', pointId: 'pt-3', quote: 'Army' }); // false
 */
export const isSpanChange = (change: AmendmentChange): change is SpanChange =>
  change.kind === 'replace' || change.kind === 'insert' || change.kind === 'delete';

/**
 * A span change's span: [start, end), empty for an insertion.
 * @example
 * spanOf({ kind: 'insert', pointId: 'pt-1', field: 'text', at: 4, text: 'full ' }); // { start: 4, end: 4 }
 */
export function spanOf(change: SpanChange): { start: number; end: number } {
  return change.kind === 'insert' ? { start: change.at, end: change.at } : { start: change.start, end: change.end };
}

/** The text that takes the span's place. */
export const newTextOf = (change: SpanChange): string => (change.kind === 'delete' ? '' : change.text);

/** A text cut to about `max` characters for a message, with its middle left out: “The parties…line of contact”. */
export function shorten(text: string, max = 60): string {
  if (text.length <= max) return text;
  const half = Math.floor((max - 1) / 2);
  return `${text.slice(0, half)}…${text.slice(text.length - half)}`;
}

/** The points of a version by id, with their positions and (computed once, on demand) their placeholders. */
export class PointIndex {
  readonly byId = new Map<Id, { point: Point; index: number }>();
  private readonly placeholderCache = new Map<Id, ReturnType<typeof findPlaceholders>>();
  constructor(readonly points: readonly Point[]) {
    points.forEach((point, index) => this.byId.set(point.id, { point, index }));
  }
  get(id: Id): Point | undefined {
    return this.byId.get(id)?.point;
  }
  placeholders(point: Point): ReturnType<typeof findPlaceholders> {
    let found = this.placeholderCache.get(point.id);
    if (!found) this.placeholderCache.set(point.id, (found = findPlaceholders(point.text)));
    return found;
  }
  /** "point 4", or `point "pt-9"` for an id the version does not hold. */
  name(id: Id): string {
    const point = this.get(id);
    return point ? `point ${point.number}` : `point "${id}"`;
  }
}

const fieldName = (point: Point, field: AmendableField) => `point ${point.number}'s ${field}`;
const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * Checks that a change can be applied to these points: its point exists, its offsets lie in the field
 * and on whole characters and whole bracket placeholders, its quote is what the field holds there, and
 * it changes something. Throws `invalid` naming the field at fault (`change.quote`) and how to fix it.
 *
 * @param path where the change stands in the request, for the error's field (`change`, `amendments[3].change`)
 * @example
 * const points = [{ id: 'pt-1', number: 1, title: 'Ceasefire', text: 'A ceasefire from [[br-date]].',
 *   brackets: [bracket], issueIds: [], trackId: null }];
 * checkAnchor(points, { kind: 'replace', pointId: 'pt-1', field: 'text', start: 2, end: 11, quote: 'ceasefire', text: 'truce' }); // passes
 * checkAnchor(points, { kind: 'delete', pointId: 'pt-1', field: 'text', start: 17, end: 20, quote: '[[b' });
 * // throws invalid('change.end', 'offset 20 falls inside the bracket [[br-date]] …')
 */
export function checkAnchor(points: readonly Point[], change: AmendmentChange, path = 'change'): void {
  checkAnchorIn(new PointIndex(points), change, path, true);
}

/**
 * `checkAnchor` over an index built once. With `whole`, the field as it would read after the change
 * is checked too (its length, and that every placeholder in it is one of the point's brackets, once);
 * consolidation checks the outcome of all changes together instead.
 */
export function checkAnchorIn(index: PointIndex, change: AmendmentChange, path: string, whole: boolean): void {
  if (change.kind === 'addPoint') return checkAddPoint(index, change, path);
  const point = index.get(change.pointId);
  if (!point)
    throw invalid(
      `${path}.pointId`,
      `there is no point "${change.pointId}" in this version; amend one of its points, or amend the version that holds it`,
    );
  if (change.kind === 'deletePoint') {
    if (change.quote !== point.title)
      throw invalid(
        `${path}.quote`,
        `point ${point.number} is titled “${shorten(point.title)}”, not “${shorten(change.quote)}”; quote the title of the point to delete`,
      );
    return;
  }
  const value = point[change.field];
  const where = fieldName(point, change.field);
  const { start, end } = spanOf(change);
  const startField = change.kind === 'insert' ? 'at' : 'start';
  const endField = change.kind === 'insert' ? 'at' : 'end';
  for (const [name, at] of [
    [startField, start],
    [endField, end],
  ] as const) {
    if (at > value.length)
      throw invalid(
        `${path}.${name}`,
        `${where} has ${value.length} characters, so an offset runs from 0 to ${value.length}; ${name} is ${at}`,
      );
    if (at > 0 && at < value.length && isHigh(value.charCodeAt(at - 1)) && isLow(value.charCodeAt(at)))
      throw invalid(
        `${path}.${name}`,
        `offset ${at} falls inside a character of ${where} (the two halves of “${value.slice(at - 1, at + 1)}”); move it by one`,
      );
  }
  if (start > end)
    throw invalid(`${path}.end`, `the span ends (at ${end}) before it starts (at ${start}); give start ≤ end`);
  if (change.kind !== 'insert') {
    if (start === end)
      throw invalid(
        `${path}.end`,
        `the span ${start}–${end} of ${where} is empty: a ${change.kind} takes at least one character; to add words without removing any, send an insert`,
      );
    const actual = value.slice(start, end);
    if (actual !== change.quote)
      throw invalid(
        `${path}.quote`,
        `the quoted text “${shorten(change.quote)}” is not what ${where} holds at ${start}–${end}: it holds “${shorten(actual)}”; quote the text as it stands in this version, or move the span`,
      );
  }
  if (change.kind === 'insert') {
    if (change.text === '')
      throw invalid(`${path}.text`, 'the insertion is empty and would change nothing; write the words to insert');
    const before = change.before ?? '';
    const after = change.after ?? '';
    const actualBefore = value.slice(Math.max(0, start - before.length), start);
    const actualAfter = value.slice(start, start + after.length);
    if (actualBefore !== before)
      throw invalid(
        `${path}.before`,
        `the text just before offset ${start} of ${where} is “${shorten(actualBefore)}”, not “${shorten(before)}”; give the characters that stand before the insertion point, or none`,
      );
    if (actualAfter !== after)
      throw invalid(
        `${path}.after`,
        `the text just after offset ${start} of ${where} is “${shorten(actualAfter)}”, not “${shorten(after)}”; give the characters that stand after the insertion point, or none`,
      );
  }
  if (change.kind === 'replace' && change.text === change.quote)
    throw invalid(
      `${path}.text`,
      'the new text is the quoted text itself, so the replacement would change nothing; write the wording you propose',
    );
  if (change.field === 'text') {
    for (const placeholder of index.placeholders(point)) {
      if (placeholder.start >= end) break;
      for (const [name, at] of [
        [startField, start],
        [endField, end],
      ] as const)
        if (placeholder.start < at && at < placeholder.end)
          throw invalid(
            `${path}.${name}`,
            `offset ${at} falls inside the bracket [[${placeholder.id}]] (characters ${placeholder.start}–${placeholder.end} of ${where}): a bracket is amended as a whole or not at all; move the offset to ${placeholder.start} or ${placeholder.end}`,
          );
    }
  }
  if (whole) {
    const replacement = newTextOf(change);
    const next = value.slice(0, start) + replacement + value.slice(end);
    const limit = change.field === 'text' ? TEXT_LIMITS.pointText : TITLE_LENGTH;
    if (next.length > limit)
      throw invalid(
        `${path}.text`,
        `with this change ${where} would hold ${next.length.toLocaleString('en')} characters, more than the ${limit.toLocaleString('en')} it may hold; shorten the new wording`,
      );
    if (change.field === 'text') {
      const problem = placeholderProblem(point, next);
      if (problem) throw invalid(`${path}.text`, `with this change ${problem}`);
    }
  }
}

/**
 * What is wrong with the placeholders of a point's text once amended, or null: each must stand for one
 * of the point's brackets, once. A bracket whose placeholder is gone is dropped as a whole.
 */
export function placeholderProblem(point: Point, text: string): string | null {
  const brackets = new Set(point.brackets.map((bracket) => bracket.id));
  const seen = new Set<Id>();
  for (const placeholder of findPlaceholders(text)) {
    if (!brackets.has(placeholder.id))
      return `point ${point.number}'s text would hold [[${placeholder.id}]], which is not one of its brackets: an amendment cannot open a bracket; write the words without “[[${placeholder.id}]]”`;
    if (seen.has(placeholder.id))
      return `point ${point.number}'s text would hold the bracket [[${placeholder.id}]] twice: a bracket stands once in its point, and moves only with the span that holds it; leave [[${placeholder.id}]] out of the new wording, or rewrite the span that holds it`;
    seen.add(placeholder.id);
  }
  return null;
}

function checkAddPoint(index: PointIndex, change: AddPointChange, path: string): void {
  if (change.afterPointId !== null && !index.get(change.afterPointId))
    throw invalid(
      `${path}.afterPointId`,
      `there is no point "${change.afterPointId}" in this version to put the new point after; give one of its points, or null to put the new point first`,
    );
  if (change.title === '' && change.text === '')
    throw invalid(`${path}.text`, 'the new point has neither a title nor a text; write its wording');
  const placeholder = findPlaceholders(change.text)[0];
  if (placeholder)
    throw invalid(
      `${path}.text`,
      `a new point has no brackets, but its text holds [[${placeholder.id}]]; write the words out (a bracket is opened on a point of the text)`,
    );
  if (index.points.length >= TEXT_LIMITS.pointsPerVersion)
    throw invalid(
      path,
      `a version holds at most ${TEXT_LIMITS.pointsPerVersion} points and this one holds ${index.points.length}; delete or merge points before adding one`,
    );
}

/** Two amendments that cannot both be applied, in the order they were given, and why. */
export interface AmendmentConflict {
  ids: [Id, Id];
  /** The point they collide on. */
  pointId: Id;
  reason: string;
}

interface Placed {
  order: number;
  id: Id;
  change: SpanChange;
  start: number;
  end: number;
  /** 0: an insertion; 1: a span the change empties (a deletion); 2: a span it rewrites. */
  rank: 0 | 1 | 2;
}

/**
 * The pairs of amendments that cannot both be applied to these points, each with its reason in words:
 * overlapping spans in one field of one point; two insertions that would stand at the same place (the
 * same offset, or the two ends of deleted text); an insertion inside another's span; any change to a
 * point another deletes; two deletions of one point; a point added after a point another deletes.
 * Each amendment is assumed to pass `checkAnchor` alone. Sorts the changes of each field by offset:
 * O(n log n) plus the pairs found; with `limit`, it stops after that many pairs (to learn whether
 * there is any conflict, give 1: a thousand spans over one sentence make half a million pairs).
 *
 * @example
 * findConflicts(points, [
 *   { id: 'am-1', change: { kind: 'delete', pointId: 'pt-1', field: 'text', start: 0, end: 10, quote: 'A ceasefir' } },
 *   { id: 'am-2', change: { kind: 'replace', pointId: 'pt-1', field: 'text', start: 5, end: 15, quote: 'sefire fro', text: 'x' } },
 * ]);
 * // [{ ids: ['am-1', 'am-2'], pointId: 'pt-1', reason: 'both change characters 5–10 of point 1\'s text' }]
 */
export function findConflicts(
  points: readonly Point[],
  amendments: readonly AmendmentLike[],
  options: { limit?: number } = {},
): AmendmentConflict[] {
  const index = new PointIndex(points);
  const found: { a: number; b: number; pointId: Id; reason: string }[] = [];
  const limit = options.limit ?? Infinity;
  const full = () => found.length >= limit;
  const conflict = (a: { order: number }, b: { order: number }, pointId: Id, reason: string) => {
    if (full()) return;
    found.push(
      a.order < b.order ? { a: a.order, b: b.order, pointId, reason } : { a: b.order, b: a.order, pointId, reason },
    );
  };
  const deleted = new Map<Id, { order: number }[]>();
  amendments.forEach(({ change }, order) => {
    if (change.kind !== 'deletePoint') return;
    const deleters = deleted.get(change.pointId) ?? [];
    for (const other of deleters)
      conflict(other, { order }, change.pointId, `both delete ${index.name(change.pointId)}`);
    deleters.push({ order });
    deleted.set(change.pointId, deleters);
  });
  const fields = new Map<string, Placed[]>();
  amendments.forEach(({ id, change }, order) => {
    if (change.kind === 'addPoint') {
      const after = change.afterPointId;
      if (after !== null)
        for (const deleter of deleted.get(after) ?? [])
          conflict(deleter, { order }, after, `one adds a point after ${index.name(after)}, which the other deletes`);
      return;
    }
    if (!isSpanChange(change)) return;
    for (const deleter of deleted.get(change.pointId) ?? [])
      conflict(
        deleter,
        { order },
        change.pointId,
        `one changes ${index.name(change.pointId)}'s ${change.field}, and the other deletes the point`,
      );
    const { start, end } = spanOf(change);
    const rank = change.kind === 'insert' ? 0 : newTextOf(change) === '' ? 1 : 2;
    const key = `${change.pointId}\u0000${change.field}`;
    let list = fields.get(key);
    if (!list) fields.set(key, (list = []));
    list.push({ order, id, change, start, end, rank });
  });
  for (const list of fields.values()) {
    if (full()) break;
    list.sort((x, y) => x.start - y.start || x.rank - y.rank || x.end - y.end || x.order - y.order);
    const { pointId, field } = list[0]!.change;
    const where = `${index.name(pointId)}'s ${field}`;
    // Spans, and insertions inside them: every later item starting before a span's end meets it.
    list.forEach((x, i) => {
      if (x.rank === 0) return;
      for (let j = i + 1; j < list.length && list[j]!.start < x.end && !full(); j++) {
        const y = list[j]!;
        if (y.rank !== 0)
          conflict(x, y, pointId, `both change characters ${y.start}–${Math.min(x.end, y.end)} of ${where}`);
        else if (y.start > x.start)
          conflict(x, y, pointId, `one inserts at character ${y.start} of ${where}, inside the span the other changes`);
      }
    });
    // Insertions that would stand at one place of the new text: at one offset, or at the two ends of
    // text that is deleted, where the order of the two would be a guess.
    let group: Placed[] = [];
    let reach = -1; // how far the group's place extends through deleted text
    let deletedTo = -1; // the furthest end of a deletion met so far
    for (const x of list) {
      if (x.rank === 0) {
        if (x.start > reach) group = [];
        for (let k = 0; k < group.length && !full(); k++) {
          const y = group[k]!;
          conflict(
            y,
            x,
            pointId,
            y.start === x.start
              ? `both insert at character ${x.start} of ${where}, so the order of the two insertions would be a guess`
              : `both insert at one place of ${where} once characters ${y.start}–${x.start} are deleted, so the order of the two insertions would be a guess`,
          );
        }
        group.push(x);
        reach = Math.max(reach, x.start, deletedTo);
      } else if (x.rank === 1) {
        deletedTo = Math.max(deletedTo, x.end);
        if (x.start <= reach) reach = Math.max(reach, x.end);
      } else if (x.start >= reach) group = [];
    }
  }
  found.sort((x, y) => x.a - y.a || x.b - y.b);
  return found.map(({ a, b, pointId, reason }) => ({ ids: [amendments[a]!.id, amendments[b]!.id], pointId, reason }));
}

/** The message of a `DomainError`, or the error thrown again when it is a bug. */
export function domainMessage(error: unknown): string {
  if (error instanceof DomainError) return error.message;
  throw error;
}
