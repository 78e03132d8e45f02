import { diffSentences, diffWords, type ChangeObject } from 'diff';
import { renderPointText } from './document.ts';
import type { Id, Point } from './model.ts';

/** A run of words in a word-level diff: kept, added by the proposal, or removed from the base. */
export interface WordChange {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export const POINT_CHANGE_KINDS = [
  'added',
  'removed',
  'moved',
  'renumbered',
  'changed',
  'merged',
  'split',
  'unchanged',
] as const;
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
  /**
   * For a proposal's point made by merging or splitting (`merged`, `split`): the base points it came
   * from, as its `derivedFrom` names them; null otherwise.
   */
  from: Id[] | null;
  /** For a base point merged or split into others and gone from the proposal: the points it went into; else null. */
  into: Id[] | null;
  /**
   * Word-level diff of the rendered text (brackets written out), for points present in both; for a
   * merged point, against its origins' texts one after the other; for a part of a split, against the
   * point it was split from.
   */
  words: WordChange[] | null;
  /**
   * How fine `words` is: `words` as asked; `sentences` or `whole` (the old text removed, the new one
   * added) where a word diff would have cost more than a comparison may spend.
   */
  granularity: DiffGranularity | null;
}

export const DIFF_GRANULARITIES = ['words', 'sentences', 'whole'] as const;
export type DiffGranularity = (typeof DIFF_GRANULARITIES)[number];

export interface VersionComparison {
  points: PointComparison[];
  summary: Record<PointChangeKind, number>;
  /** The points whose changes are shown coarser than word by word, and why; empty when none. */
  coarse: { pointIds: Id[]; reason: string } | null;
}

/**
 * What one comparison may spend on word diffs, in units of about a microsecond on a small server:
 * reading a character costs 0.8 (words) or 0.25 (sentences), and an edit distance D costs D² / 4.
 * The cost depends only on the texts, so a comparison always comes out the same, and it holds the
 * longest pair of versions the API accepts to about a tenth of a second.
 */
export const DIFF_BUDGET = 150_000;
const WORD_CHAR_COST = 0.8;
const SENTENCE_CHAR_COST = 0.25;
const editCost = (edits: number) => (edits * edits) / 4;
/** Below this edit distance a word diff is not worth trying: the result would be mostly noise. */
const MIN_USEFUL_EDITS = 50;

/**
 * Compares two versions point by point through the points' stable ids, and word by word inside
 * changed points. A point is `moved` when its place relative to the other common points changed
 * (it is outside the longest run of common points kept in order), `renumbered` when only its number
 * changed because others were added or removed before it.
 * Order: the proposal's points in order, then the removed points in base order.
 */
export function compareVersions(base: Point[], proposal: Point[], budget = DIFF_BUDGET): VersionComparison {
  const differ = boundedDiffer(budget);
  const baseById = new Map(base.map((point) => [point.id, point]));
  const proposalIds = new Set(proposal.map((point) => point.id));
  const commonInBaseOrder = base.filter((point) => proposalIds.has(point.id)).map((point) => point.id);
  const commonInProposalOrder = proposal.filter((point) => baseById.has(point.id)).map((point) => point.id);
  const stayedInOrder = new Set(longestCommonSubsequence(commonInBaseOrder, commonInProposalOrder));
  const lineage = lineageOf(base, proposal, baseById);

  const points: PointComparison[] = proposal.map((after) => {
    const before = baseById.get(after.id);
    const origin = lineage.origins.get(after.id);
    if (origin) {
      // Merged from several base points, or a part of one split: compared with where it came from.
      const sources = origin.from.map((id) => baseById.get(id)!);
      const kinds: PointChangeKind[] = [origin.kind];
      if (before && !stayedInOrder.has(after.id)) kinds.push('moved');
      else if (before && before.number !== after.number) kinds.push('renumbered');
      const beforeText = sources.map((source) => renderPointText(source)).join('\n\n');
      const afterText = renderPointText(after);
      const beforeTitle = sources.map((source) => source.title).join(' + ');
      if (beforeText !== afterText || beforeTitle !== after.title) kinds.push('changed');
      return {
        pointId: after.id,
        kinds,
        baseNumber: before?.number ?? sources[0]!.number,
        proposalNumber: after.number,
        baseTitle: before?.title ?? beforeTitle,
        proposalTitle: after.title,
        from: origin.from,
        into: null,
        ...differ(beforeText, afterText),
      };
    }
    if (!before) {
      return {
        pointId: after.id,
        kinds: ['added'],
        baseNumber: null,
        proposalNumber: after.number,
        baseTitle: null,
        proposalTitle: after.title,
        from: null,
        into: null,
        words: null,
        granularity: null,
      };
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
      from: null,
      into: null,
      ...differ(beforeText, afterText),
    };
  });
  for (const before of base) {
    if (!proposalIds.has(before.id)) {
      const into = lineage.into.get(before.id);
      points.push({
        pointId: before.id,
        kinds: [into ? (into.length > 1 ? 'split' : 'merged') : 'removed'],
        baseNumber: before.number,
        proposalNumber: null,
        baseTitle: before.title,
        proposalTitle: null,
        from: null,
        into: into ?? null,
        words: null,
        granularity: null,
      });
    }
  }
  const summary = Object.fromEntries(POINT_CHANGE_KINDS.map((kind) => [kind, 0])) as Record<PointChangeKind, number>;
  for (const point of points) for (const kind of point.kinds) summary[kind] += 1;
  const coarsePoints = points
    .filter((point) => point.granularity !== null && point.granularity !== 'words')
    .map((point) => point.pointId);
  const coarse =
    coarsePoints.length === 0
      ? null
      : {
          pointIds: coarsePoints,
          reason: `the changes in ${coarsePoints.length === 1 ? 'this point are' : `these ${coarsePoints.length} points are`} too extensive to mark word by word within one comparison's budget; they are shown by sentence, or as the old text replaced by the new`,
        };
  return { points, summary, coarse };
}

/** Where the proposal's merged and split points came from, and where the base points went. */
interface Lineage {
  /** A proposal point made by a merge (from several base points) or a split (one of several parts of one). */
  origins: Map<Id, { kind: 'merged' | 'split'; from: Id[] }>;
  /** A base point gone from the proposal, and the proposal points made from it. */
  into: Map<Id, Id[]>;
}

/**
 * Reads the proposal's `derivedFrom`: a point made from two or more base points is `merged`; a base
 * point continued by two or more proposal points (its own id kept by one of them, or not) is `split`
 * into them; a point made from one base point that only it continues is that point merged into it.
 * Origins that are not base points (or the point itself, alone) are ignored.
 */
function lineageOf(base: Point[], proposal: Point[], baseById: Map<Id, Point>): Lineage {
  const parts = new Map<Id, Id[]>();
  const add = (source: Id, part: Id) => {
    const list = parts.get(source) ?? [];
    if (!list.includes(part)) list.push(part);
    parts.set(source, list);
  };
  const declared = new Map<Id, Id[]>();
  for (const point of proposal) {
    const from = [...new Set(point.derivedFrom ?? [])].filter((id) => baseById.has(id));
    if (from.length === 0 || (from.length === 1 && from[0] === point.id)) continue;
    declared.set(point.id, from);
    for (const id of from) add(id, point.id);
  }
  // A base point that kept its id in the proposal is one of its own parts.
  for (const point of proposal) if (parts.has(point.id)) add(point.id, point.id);
  const origins: Lineage['origins'] = new Map();
  for (const [pointId, from] of declared) {
    const split = from.length === 1 && (parts.get(from[0]!)?.length ?? 0) > 1;
    origins.set(pointId, { kind: split ? 'split' : 'merged', from });
  }
  // The parts of a split that kept the split point's id compare with it as well.
  for (const [source, list] of parts)
    if (list.length > 1 && list.includes(source) && !origins.has(source))
      origins.set(source, { kind: 'split', from: [source] });
  const into: Lineage['into'] = new Map();
  const proposalIds = new Set(proposal.map((point) => point.id));
  for (const point of base)
    if (!proposalIds.has(point.id) && parts.has(point.id)) into.set(point.id, parts.get(point.id)!);
  return { origins, into };
}

/** Word-level diff of two texts, with adjacent runs of one kind merged (unbounded: for short texts). */
export function wordDiff(before: string, after: string): WordChange[] {
  return merged(diffWords(before, after));
}

function merged(diff: ChangeObject<string>[]): WordChange[] {
  const changes: WordChange[] = [];
  for (const change of diff) {
    const kind: WordChange['kind'] = change.added ? 'added' : change.removed ? 'removed' : 'same';
    const last = changes[changes.length - 1];
    if (last && last.kind === kind) last.text += change.value;
    else changes.push({ kind, text: change.value });
  }
  return changes;
}

function editsOf(changes: WordChange[]): number {
  return changes.reduce(
    (sum, change) => sum + (change.kind === 'same' ? 0 : Math.max(1, change.text.split(/\s+/).length)),
    0,
  );
}

/**
 * A differ that spends at most `budget` over all the points of one comparison: word by word while
 * the budget lasts (the edit distance capped by what is left), then by sentence, then whole.
 */
function boundedDiffer(
  budget: number,
): (before: string, after: string) => { words: WordChange[]; granularity: DiffGranularity } {
  let left = budget;
  const diffMiddle = (before: string, after: string): { words: WordChange[]; granularity: DiffGranularity } => {
    const chars = before.length + after.length;
    // A word diff may take half of what is left, so that one point cannot starve the others.
    const wordEdits = Math.floor(Math.sqrt(Math.max(0, (left / 2 - chars * WORD_CHAR_COST) * 4)));
    if (wordEdits >= MIN_USEFUL_EDITS) {
      const diff = diffWords(before, after, { maxEditLength: wordEdits });
      if (diff) {
        const words = merged(diff);
        left -= chars * WORD_CHAR_COST + editCost(Math.min(wordEdits, editsOf(words)));
        return { words, granularity: 'words' };
      }
      left -= chars * WORD_CHAR_COST + editCost(wordEdits);
    }
    const sentenceEdits = Math.floor(Math.sqrt(Math.max(0, (left - chars * SENTENCE_CHAR_COST) * 4)));
    if (sentenceEdits >= 1) {
      const diff = diffSentences(before, after, { maxEditLength: sentenceEdits });
      left -= chars * SENTENCE_CHAR_COST + editCost(sentenceEdits);
      if (diff) return { words: merged(diff), granularity: 'sentences' };
    }
    const whole: WordChange[] = [];
    if (before) whole.push({ kind: 'removed', text: before });
    if (after) whole.push({ kind: 'added', text: after });
    return { words: whole, granularity: 'whole' };
  };
  return (before, after) => {
    if (before === after) return { words: before ? [{ kind: 'same', text: before }] : [], granularity: 'words' };
    // Only the part between the common beginning and end is diffed, cut at white space so that no
    // word is split: a small edit in a long text costs as little as the edit.
    const [head, tail] = commonEnds(before, after);
    const middle = diffMiddle(before.slice(head, before.length - tail), after.slice(head, after.length - tail));
    const words = [
      ...(head ? [{ kind: 'same' as const, text: before.slice(0, head) }] : []),
      ...middle.words,
      ...(tail ? [{ kind: 'same' as const, text: before.slice(before.length - tail) }] : []),
    ];
    return { words: mergeRuns(words), granularity: middle.granularity };
  };
}

/** The lengths of the common beginning and end of two texts, each ending (or starting) at white space. */
function commonEnds(a: string, b: string): [number, number] {
  const limit = Math.min(a.length, b.length);
  let head = 0;
  while (head < limit && a.charCodeAt(head) === b.charCodeAt(head)) head++;
  if (head < limit || a.length !== b.length) while (head > 0 && !/\s/.test(a[head - 1]!)) head--;
  let tail = 0;
  while (tail < limit - head && a.charCodeAt(a.length - 1 - tail) === b.charCodeAt(b.length - 1 - tail)) tail++;
  while (tail > 0 && !/\s/.test(a[a.length - tail]!)) tail--;
  return [head, tail];
}

function mergeRuns(changes: WordChange[]): WordChange[] {
  const out: WordChange[] = [];
  for (const change of changes) {
    if (!change.text) continue;
    const last = out[out.length - 1];
    if (last && last.kind === change.kind) last.text += change.text;
    else out.push({ ...change });
  }
  return out;
}

function longestCommonSubsequence(a: Id[], b: Id[]): Id[] {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] =
        a[i] === b[j]
          ? table[(i + 1) * cols + j + 1]! + 1
          : Math.max(table[(i + 1) * cols + j]!, table[i * cols + j + 1]!);
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
