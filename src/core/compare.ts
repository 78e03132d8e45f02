import { diffWords } from 'diff';
import { renderPointText } from './document.ts';
import type { Id, Point } from './model.ts';

/** A run of words in a word-level diff: kept, added by the proposal, or removed from the base. */
export interface WordChange {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export const POINT_CHANGE_KINDS = ['added', 'removed', 'moved', 'renumbered', 'changed', 'unchanged'] as const;
export type PointChangeKind = (typeof POINT_CHANGE_KINDS)[number];

/**
 * How one point differs between a base and a proposal. A point can be several things at once
 * (moved and changed); `kinds` lists all, `unchanged` only when nothing else applies.
 */
export interface PointComparison {
  pointId: Id;
  kinds: PointChangeKind[];
  baseNumber: number | null;
  proposalNumber: number | null;
  baseTitle: string | null;
  proposalTitle: string | null;
  /** Word-level diff of the rendered text (brackets written out), for points present in both. */
  words: WordChange[] | null;
}

export interface VersionComparison {
  points: PointComparison[];
  summary: Record<PointChangeKind, number>;
}

/**
 * Compares two versions point by point through the points' stable ids, and word by word inside
 * changed points. A point is `moved` when its place relative to the other common points changed
 * (it is outside the longest run of common points kept in order), `renumbered` when only its number
 * changed because others were added or removed before it.
 * Order: the proposal's points in order, then the removed points in base order.
 */
export function compareVersions(base: Point[], proposal: Point[]): VersionComparison {
  const baseById = new Map(base.map((point) => [point.id, point]));
  const proposalIds = new Set(proposal.map((point) => point.id));
  const commonInBaseOrder = base.filter((point) => proposalIds.has(point.id)).map((point) => point.id);
  const commonInProposalOrder = proposal.filter((point) => baseById.has(point.id)).map((point) => point.id);
  const stayedInOrder = new Set(longestCommonSubsequence(commonInBaseOrder, commonInProposalOrder));

  const points: PointComparison[] = proposal.map((after) => {
    const before = baseById.get(after.id);
    if (!before) {
      return { pointId: after.id, kinds: ['added'], baseNumber: null, proposalNumber: after.number, baseTitle: null, proposalTitle: after.title, words: null };
    }
    const kinds: PointChangeKind[] = [];
    if (!stayedInOrder.has(after.id)) kinds.push('moved');
    else if (before.number !== after.number) kinds.push('renumbered');
    const beforeText = renderPointText(before);
    const afterText = renderPointText(after);
    if (beforeText !== afterText || before.title !== after.title) kinds.push('changed');
    if (kinds.length === 0) kinds.push('unchanged');
    return {
      pointId: after.id,
      kinds,
      baseNumber: before.number,
      proposalNumber: after.number,
      baseTitle: before.title,
      proposalTitle: after.title,
      words: wordDiff(beforeText, afterText),
    };
  });
  for (const before of base) {
    if (!proposalIds.has(before.id)) {
      points.push({ pointId: before.id, kinds: ['removed'], baseNumber: before.number, proposalNumber: null, baseTitle: before.title, proposalTitle: null, words: null });
    }
  }
  const summary = Object.fromEntries(POINT_CHANGE_KINDS.map((kind) => [kind, 0])) as Record<PointChangeKind, number>;
  for (const point of points) for (const kind of point.kinds) summary[kind] += 1;
  return { points, summary };
}

/** Word-level diff of two texts, with adjacent runs of one kind merged. */
export function wordDiff(before: string, after: string): WordChange[] {
  const changes: WordChange[] = [];
  for (const change of diffWords(before, after)) {
    const kind: WordChange['kind'] = change.added ? 'added' : change.removed ? 'removed' : 'same';
    const last = changes[changes.length - 1];
    if (last && last.kind === kind) last.text += change.value;
    else changes.push({ kind, text: change.value });
  }
  return changes;
}

function longestCommonSubsequence(a: Id[], b: Id[]): Id[] {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] = a[i] === b[j] ? table[(i + 1) * cols + j + 1]! + 1 : Math.max(table[(i + 1) * cols + j]!, table[i * cols + j + 1]!);
    }
  }
  const result: Id[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      result.push(a[i]!);
      i++;
      j++;
    } else if (table[(i + 1) * cols + j]! >= table[i * cols + j + 1]!) i++;
    else j++;
  }
  return result;
}
