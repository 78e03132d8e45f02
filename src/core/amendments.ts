/**
 * Amendments: a party proposes changes to a version, the pen-holder accepts or rejects them one by
 * one, and consolidation makes the next version's points from the accepted ones and carries the
 * pending ones forward, re-anchored to the new text.
 *
 * - `checkAnchor(points, change)`: may this change be applied to these points? (throws `invalid`)
 * - `findConflicts(points, amendments)`: which pairs cannot both be applied, and why
 * - `consolidate(points, accepted, { newPointId })`: the next points, and the edits that made them
 * - `reanchor(oldPoints, newPoints, edits, pending)`: the pending amendments moved into the new text
 * - `mapOffset(fieldEdits, offset, side)`: where an old offset stands in the new text
 *
 * Pure: no clock, no ids made here (a new point's id comes from `newPointId`). The change's shape and
 * the anchor checks live in `core/amendment-anchors.ts`; what others need of it is re-exported here.
 */
import { placeholderIds, pointsTextLength } from './document.ts';
import { invalid } from './errors.ts';
import { TEXT_LIMITS } from './limits.ts';
import type { Id, Point } from './model.ts';
import {
  type AmendableField,
  type AmendmentChange,
  type AmendmentLike,
  type SpanChange,
  PointIndex,
  TITLE_LENGTH,
  checkAnchorIn,
  domainMessage,
  findConflicts,
  newTextOf,
  placeholderProblem,
  shorten,
  spanOf,
} from './amendment-anchors.ts';

export {
  AMENDABLE_FIELDS,
  INSERT_CONTEXT_LENGTH,
  addPointChangeSchema,
  amendmentChangeSchema,
  amendmentChangesSchema,
  checkAnchor,
  deleteChangeSchema,
  deletePointChangeSchema,
  findConflicts,
  insertChangeSchema,
  isSpanChange,
  replaceChangeSchema,
  spanOf,
} from './amendment-anchors.ts';
export type {
  AddPointChange,
  AmendableField,
  AmendmentChange,
  AmendmentConflict,
  AmendmentLike,
  DeleteChange,
  DeletePointChange,
  InsertChange,
  ReplaceChange,
  SpanChange,
} from './amendment-anchors.ts';

/** One span of a field replaced by consolidation: old [oldStart, oldEnd) became new [newStart, newEnd). */
export interface SpanEdit {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
  /** The amendment whose words fill [newStart, newEnd) of the new field (empty for a deletion). */
  amendmentId: Id;
}

/**
 * The edits of one field of one point, in order (an insertion before a span starting at the same
 * offset). Between them the text is kept as it was, shifted: together they are the position map old →
 * new (`mapOffset`), and the spans [newStart, newEnd) say which amendment brought which words.
 */
export interface FieldEdits {
  pointId: Id;
  field: AmendableField;
  spans: SpanEdit[];
}

/** What a consolidation did, enough to trace every word of the new text to the old text or an amendment. */
export interface ConsolidationEdits {
  fields: FieldEdits[];
  /** Points added, with their new ids. */
  added: { pointId: Id; amendmentId: Id }[];
  deleted: { pointId: Id; amendmentId: Id }[];
}

export interface Consolidation {
  /** The next version's points, numbered 1..n; surviving points keep their ids. */
  points: Point[];
  edits: ConsolidationEdits;
}

/**
 * Applies all accepted amendments at once and returns the next version's points and the edits that
 * made them. Each amendment must pass `checkAnchor` against `points`, and no two may conflict
 * (`findConflicts`): otherwise `invalid` names the amendments and why. Added points follow their
 * `afterPointId` in the order they were accepted; a bracket whose placeholder is deleted is dropped;
 * the outcome must stay within `TEXT_LIMITS`. O(total text + n log n).
 *
 * @param options.newPointId the id of the point an `addPoint` amendment adds (called once per added point)
 * @example
 * const { points: next, edits } = consolidate(points, [
 *   { id: 'am-1', change: { kind: 'replace', pointId: 'pt-1', field: 'text', start: 2, end: 11, quote: 'ceasefire', text: 'truce' } },
 *   { id: 'am-2', change: { kind: 'addPoint', afterPointId: 'pt-1', title: 'Monitoring', text: 'The OSCE monitors it.' } },
 * ], { newPointId: (amendmentId) => `pt-${amendmentId}` });
 * // next: pt-1 ('A truce from …'), pt-am-2 numbered 2, then the others renumbered;
 * // edits.fields: [{ pointId: 'pt-1', field: 'text', spans: [{ oldStart: 2, oldEnd: 11, newStart: 2, newEnd: 7, amendmentId: 'am-1' }] }]
 */
export function consolidate(
  points: readonly Point[],
  accepted: readonly AmendmentLike[],
  options: { newPointId: (amendmentId: Id) => Id },
): Consolidation {
  if (accepted.length > TEXT_LIMITS.amendmentsPerVersion)
    throw invalid(
      'accepted',
      `${accepted.length} amendments were given; a version takes at most ${TEXT_LIMITS.amendmentsPerVersion}: consolidate in several steps`,
    );
  const index = new PointIndex(points);
  const ids = new Set<Id>();
  accepted.forEach(({ id, change }, i) => {
    if (ids.has(id)) throw invalid(`accepted[${i}].id`, `amendment "${id}" is listed twice; list each amendment once`);
    ids.add(id);
    checkAnchorIn(index, change, `accepted[${i}].change`, false);
  });
  const [conflict, another] = findConflicts(points, accepted, { limit: 2 });
  if (conflict) {
    const more = another ? ' (and other pairs conflict too)' : '';
    throw invalid(
      'accepted',
      `amendments "${conflict.ids[0]}" and "${conflict.ids[1]}" cannot both be applied: ${conflict.reason}${more}; reject one of them, or consolidate one and re-anchor the other`,
    );
  }

  const spans = new Map<Id, Map<AmendableField, { id: Id; change: SpanChange }[]>>();
  const deleted = new Map<Id, Id>();
  const addedAfter = new Map<Id | null, { id: Id; title: string; text: string; issueIds: Id[] }[]>();
  for (const { id, change } of accepted) {
    if (change.kind === 'deletePoint') deleted.set(change.pointId, id);
    else if (change.kind === 'addPoint') {
      const list = addedAfter.get(change.afterPointId) ?? [];
      list.push({ id, title: change.title, text: change.text, issueIds: change.issueIds ?? [] });
      addedAfter.set(change.afterPointId, list);
    } else {
      const byField = spans.get(change.pointId) ?? new Map<AmendableField, { id: Id; change: SpanChange }[]>();
      spans.set(change.pointId, byField);
      const list = byField.get(change.field) ?? [];
      list.push({ id, change });
      byField.set(change.field, list);
    }
  }

  const edits: ConsolidationEdits = { fields: [], added: [], deleted: [] };
  const next: Point[] = [];
  const newIds = new Set(points.map((point) => point.id));
  const add = (after: Id | null) => {
    for (const added of addedAfter.get(after) ?? []) {
      const pointId = options.newPointId(added.id);
      if (newIds.has(pointId))
        throw new Error(`newPointId gave "${pointId}" for amendment "${added.id}", an id the version already holds`);
      newIds.add(pointId);
      const { title, text, issueIds } = added;
      next.push({ id: pointId, number: 0, title, text, brackets: [], issueIds, trackId: null });
      edits.added.push({ pointId, amendmentId: added.id });
    }
  };
  add(null);
  for (const point of points) {
    const deleter = deleted.get(point.id);
    if (deleter) edits.deleted.push({ pointId: point.id, amendmentId: deleter });
    else next.push(amendPoint(point, spans.get(point.id), edits));
    add(point.id);
  }
  checkOutcome(next);
  return { points: next.map((point, i) => ({ ...point, number: i + 1 })), edits };
}

/** A point with its span changes applied; records the edits of each field changed. */
function amendPoint(
  point: Point,
  byField: Map<AmendableField, { id: Id; change: SpanChange }[]> | undefined,
  edits: ConsolidationEdits,
): Point {
  if (!byField) return point;
  const amended = { ...point };
  for (const [field, changes] of byField) {
    const sorted = changes
      .map(({ id, change }) => ({ id, change, ...spanOf(change) }))
      .sort((x, y) => x.start - y.start || x.end - y.end);
    const old = point[field];
    const pieces: string[] = [];
    const fieldEdits: FieldEdits = { pointId: point.id, field, spans: [] };
    let cursor = 0;
    let length = 0;
    for (const { id, change, start, end } of sorted) {
      const kept = old.slice(cursor, start);
      const words = newTextOf(change);
      pieces.push(kept, words);
      length += kept.length;
      fieldEdits.spans.push({
        oldStart: start,
        oldEnd: end,
        newStart: length,
        newEnd: length + words.length,
        amendmentId: id,
      });
      length += words.length;
      cursor = end;
    }
    pieces.push(old.slice(cursor));
    amended[field] = pieces.join('');
    edits.fields.push(fieldEdits);
    if (field === 'text') {
      const problem = placeholderProblem(point, amended.text);
      const by = sorted.map(({ id }) => `"${id}"`).join(', ');
      if (problem) throw invalid('accepted', `together, amendments ${by}: ${problem}`);
      const placed = new Set(placeholderIds(amended.text));
      amended.brackets = point.brackets.filter((bracket) => placed.has(bracket.id));
    }
  }
  return amended;
}

/** The consolidated points must stay within the limits a version keeps. */
function checkOutcome(points: Point[]): void {
  if (points.length > TEXT_LIMITS.pointsPerVersion)
    throw invalid(
      'accepted',
      `the consolidated text would hold ${points.length} points, more than the ${TEXT_LIMITS.pointsPerVersion} a version holds; reject some of the added points, or accept deletions with them`,
    );
  points.forEach((point, i) => {
    const name = `the point that would be number ${i + 1} (“${shorten(point.title, 40)}”)`;
    if (point.title.length > TITLE_LENGTH)
      throw invalid(
        'accepted',
        `${name} would have a title of ${point.title.length} characters, more than the ${TITLE_LENGTH} a title holds; reject an amendment that lengthens it`,
      );
    if (point.text.length > TEXT_LIMITS.pointText)
      throw invalid(
        'accepted',
        `${name} would hold ${point.text.length.toLocaleString('en')} characters of text, more than the ${TEXT_LIMITS.pointText.toLocaleString('en')} a point holds; reject an amendment that lengthens it`,
      );
  });
  const total = pointsTextLength(points);
  if (total > TEXT_LIMITS.versionText)
    throw invalid(
      'accepted',
      `the consolidated text would hold ${total.toLocaleString('en')} characters, more than the ${TEXT_LIMITS.versionText.toLocaleString('en')} a version holds; reject some amendments that lengthen it`,
    );
}

/**
 * Where an offset of the old field stands in the new one, or null when consolidation rewrote the text
 * around it (the offset lay strictly inside a replaced or deleted span). `side` says where it goes
 * when words were inserted exactly there: `before` them (the end of a span) or `after` them (the
 * start of a span, an insertion point). With no edits for the field, the offset is unchanged.
 * O(log n) in the field's edits.
 *
 * @example
 * // 'A ceasefire from …' became 'A truce from …' (old 2–11 → new 2–7)
 * mapOffset(fieldEdits, 12, 'after'); // 8
 * mapOffset(fieldEdits, 5, 'after'); // null: inside the replaced word
 */
export function mapOffset(fieldEdits: FieldEdits | undefined, offset: number, side: 'before' | 'after'): number | null {
  const spans = fieldEdits?.spans ?? [];
  const before = editsBefore(spans, offset, side);
  const nextSpan = spans[before];
  if (nextSpan && nextSpan.oldStart < offset && offset < nextSpan.oldEnd) return null;
  const last = spans[before - 1];
  return last ? offset - last.oldEnd + last.newEnd : offset;
}

/**
 * How many edits lie wholly before an offset; they form a prefix of the list, found by bisection. An
 * insertion exactly at the offset is before it when the offset goes `after` the inserted words.
 */
function editsBefore(spans: SpanEdit[], offset: number, side: 'before' | 'after'): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const span = spans[mid]!;
    if (span.oldEnd < offset || (span.oldEnd === offset && (span.oldStart < offset || side === 'after'))) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Reanchoring<A extends AmendmentLike> {
  /** The amendments that still apply, each with its change moved into the new text (other fields kept). */
  reanchored: A[];
  /** The amendments that no longer apply, with the reason in words. */
  orphaned: { amendment: A; reason: string }[];
}

/**
 * Carries pending amendments from the old points to the new ones that `consolidate` made (with its
 * `edits`). A span change whose span no accepted amendment touched is shifted by the edits; otherwise
 * it is found again by its quote, when the quote occurs exactly once in the same field of the same
 * point, or, for an insertion, by its context (`before` + `after`). An insertion's context is taken
 * afresh from the new text. A point to add after a deleted point follows the nearest point before it
 * that survived; one to add after a point that others were added after follows those. A point's
 * deletion quotes the point's new title. What cannot be placed is orphaned with the reason ("point 4
 * was deleted", "the quoted text “…” is no longer in point 4's text", "… appears 3 times in point
 * 4's text"). Every re-anchored change passes `checkAnchor` against `newPoints`.
 *
 * @example
 * const { points: next, edits } = consolidate(points, accepted, { newPointId });
 * const { reanchored, orphaned } = reanchor(points, next, edits, pending);
 * // orphaned: [{ amendment: { id: 'am-7', … }, reason: 'point 4 was deleted' }]
 */
export function reanchor<A extends AmendmentLike>(
  oldPoints: readonly Point[],
  newPoints: readonly Point[],
  edits: ConsolidationEdits,
  pending: readonly A[],
): Reanchoring<A> {
  const oldIndex = new PointIndex(oldPoints);
  const newIndex = new PointIndex(newPoints);
  const fieldEdits = new Map(edits.fields.map((f) => [`${f.pointId}\u0000${f.field}`, f]));
  const followerOf = addAnchors(oldPoints, newPoints, newIndex);
  const result: Reanchoring<A> = { reanchored: [], orphaned: [] };
  for (const amendment of pending) {
    const moved = move(amendment.change);
    if (typeof moved === 'string') {
      result.orphaned.push({ amendment, reason: moved });
      continue;
    }
    try {
      checkAnchorIn(newIndex, moved, 'change', true);
      result.reanchored.push({ ...amendment, change: moved });
    } catch (error) {
      result.orphaned.push({ amendment, reason: domainMessage(error) });
    }
  }
  return result;

  /** The change in the new text, or why it cannot be placed. */
  function move(change: AmendmentChange): AmendmentChange | string {
    if (change.kind === 'addPoint') {
      if (change.afterPointId !== null && !oldIndex.get(change.afterPointId))
        return `there is no point "${change.afterPointId}" to put the new point after`;
      return { ...change, afterPointId: followerOf(change.afterPointId) };
    }
    const point = newIndex.get(change.pointId);
    if (!point)
      return oldIndex.get(change.pointId)
        ? `${oldIndex.name(change.pointId)} was deleted`
        : `there is no point "${change.pointId}"`;
    if (change.kind === 'deletePoint') return { ...change, quote: point.title };
    const value = point[change.field];
    const where = `point ${point.number}'s ${change.field}`;
    const edited = fieldEdits.get(`${change.pointId}\u0000${change.field}`);
    if (change.kind === 'insert') {
      let at = mapOffset(edited, change.at, 'after');
      if (at === null) {
        const context = (change.before ?? '') + (change.after ?? '');
        if (context === '')
          return `the words around the insertion point in ${where} were rewritten, and the insertion carries no context to find its place again`;
        const found = findUnique(value, context, `the text around the insertion, “${shorten(context)}”,`, where);
        if (typeof found === 'string') return found;
        at = found + (change.before ?? '').length;
      }
      const insert = { ...change, at };
      if (change.before !== undefined) insert.before = value.slice(Math.max(0, at - change.before.length), at);
      if (change.after !== undefined) insert.after = value.slice(at, at + change.after.length);
      return insert;
    }
    const start = mapOffset(edited, change.start, 'after');
    const end = mapOffset(edited, change.end, 'before');
    // Any accepted edit inside the span would have changed what it holds (an edit changes something).
    const untouched = start !== null && end !== null && value.slice(start, end) === change.quote;
    if (untouched) return { ...change, start, end };
    const found = findUnique(value, change.quote, `the quoted text “${shorten(change.quote)}”`, where);
    if (typeof found === 'string') return found;
    return { ...change, start: found, end: found + change.quote.length };
  }
}

/** Where `needle` occurs in `haystack` if exactly once; else why not, in words. Counts up to 100 occurrences. */
function findUnique(haystack: string, needle: string, what: string, where: string): number | string {
  const first = haystack.indexOf(needle);
  if (first === -1) return `${what} is no longer in ${where}`;
  let count = 1;
  for (let i = haystack.indexOf(needle, first + 1); i !== -1 && count < 100; i = haystack.indexOf(needle, i + 1))
    count++;
  if (count === 1) return first;
  return `${what} appears ${count === 100 ? 'at least 100' : count} times in ${where}, so its place is no longer certain`;
}

/**
 * For a pending `addPoint`: the new point an old anchor now stands for. The new point goes just before
 * the first point that survived after the anchor in the old order (after any points added there), or
 * last when none did; `null` when it goes first.
 */
function addAnchors(
  oldPoints: readonly Point[],
  newPoints: readonly Point[],
  newIndex: PointIndex,
): (afterPointId: Id | null) => Id | null {
  // nextSurvivor[i]: the first old point at or after position i that the new points hold.
  const nextSurvivor: (Id | null)[] = new Array(oldPoints.length + 1).fill(null);
  for (let i = oldPoints.length - 1; i >= 0; i--)
    nextSurvivor[i] = newIndex.get(oldPoints[i]!.id) ? oldPoints[i]!.id : nextSurvivor[i + 1]!;
  const oldPosition = new Map(oldPoints.map((point, i) => [point.id, i]));
  return (afterPointId) => {
    const from = afterPointId === null ? 0 : oldPosition.get(afterPointId)! + 1;
    const survivor = nextSurvivor[from];
    const at = survivor ? newIndex.byId.get(survivor)!.index : newPoints.length;
    return at === 0 ? null : newPoints[at - 1]!.id;
  };
}
