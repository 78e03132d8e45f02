import type { NegotiationProblem } from './model.ts';
import type { ScaledAdditive, ScaledParty } from './scaled.ts';

/**
 * The Pareto frontier of an outcome space as distinct utility vectors, each
 * with the number of outcomes that reach it and one representative outcome:
 * the lexicographically smallest one (option indices compared in issue order).
 * Vectors are listed in decreasing lexicographic order of utilities (party 1's
 * utility first, ties by party 2's, and so on).
 */
export interface ParetoFrontier {
  readonly parties: number;
  readonly size: number;
  /** Utility numerators as doubles, `size × parties`, row-major; divide by `scaled[p].denominator` for utilities. */
  readonly numerators: Float64Array;
  readonly counts: readonly (number | bigint)[];
  readonly scaled: readonly ScaledParty[];
  representative(index: number): number[];
  /** The exact utility numerator of frontier vector `index` for `party`. */
  exactNumerator(index: number, party: number): bigint;
}

/** Hard constraints compiled for the search: allowed options per issue and forbidden combinations. */
export interface CompiledConstraints {
  readonly allowed: readonly (readonly boolean[])[];
  readonly nogoods: readonly CompiledNogood[];
}

export interface CompiledNogood {
  /** Clauses sorted by issue; `options[o]` is true when option o matches. */
  readonly clauses: readonly { readonly issue: number; readonly options: readonly boolean[] }[];
}

/** Red lines become removed options; link constraints become forbidden combinations (nogoods). */
export function compileConstraints(
  problem: NegotiationProblem,
  include: (kind: 'redLine' | 'constraint', index: number) => boolean = () => true,
): CompiledConstraints {
  const allowed = problem.space.issues.map((issue) => issue.options.map(() => true));
  (problem.redLines ?? []).forEach((redLine, index) => {
    if (include('redLine', index)) allowed[redLine.issue]![redLine.option] = false;
  });
  const nogoods: CompiledNogood[] = [];
  (problem.constraints ?? []).forEach((constraint, index) => {
    if (!include('constraint', index)) return;
    const byIssue = new Map<number, boolean[]>();
    for (const clause of constraint.forbids) {
      const options = problem.space.issues[clause.issue]!.options.map(() => false);
      for (const option of clause.options) options[option] = true;
      // Two clauses on one issue must both hold: intersect them.
      const previous = byIssue.get(clause.issue);
      byIssue.set(clause.issue, previous ? previous.map((value, o) => value && options[o]!) : options);
    }
    const clauses = [...byIssue.entries()].sort((a, b) => a[0] - b[0]).map(([issue, options]) => ({ issue, options }));
    if (clauses.some((clause) => !clause.options.includes(true))) return; // can never match
    nogoods.push({ clauses });
  });
  return { allowed, nogoods };
}

/** Progress of a long computation: `done` of `total` steps. */
export type ProgressCallback = (done: number, total: number) => void;

/**
 * Asked now and then while a frontier is computed, with the number of vectors the computation holds (or is
 * about to allocate): true stops it, and the engine throws FrontierStopped. The caller decides (a time budget
 * through its own clock, a cap on memory); the engines read no clock.
 */
export type FrontierCheck = (held: number) => boolean;

/** Thrown by a frontier engine when its FrontierCheck asked it to stop: the frontier was not computed. */
export class FrontierStopped extends Error {
  constructor(readonly held: number) {
    super(`the frontier was not computed: stopped holding ${held} vectors`);
    this.name = 'FrontierStopped';
  }
}

/** How often (in candidate vectors or outcomes) the engines ask their FrontierCheck. */
export const CHECK_EVERY = 256;

interface Stage {
  readonly size: number;
  readonly parent: Int32Array;
  readonly option: Int32Array;
  readonly rank: Int32Array;
}

/**
 * The exact Pareto frontier of additive utility functions by per-issue
 * merging: the frontier of issues 1..k+1 is built from the frontier of issues
 * 1..k plus each option of issue k+1, pruning dominated partial vectors. The
 * pruning is exact for additive utilities, because adding the same vector of
 * the remaining issues preserves dominance. Forbidden combinations are
 * handled by keeping partial vectors apart by the set of combinations still
 * open, so that only vectors with the same feasible completions are compared.
 * Every comparison is exact (see ScaledUtility).
 */
export function additiveFrontier(
  scaled: readonly ScaledAdditive[],
  constraints: CompiledConstraints,
  onProgress?: ProgressCallback,
  check?: FrontierCheck,
): ParetoFrontier {
  const n = scaled.length;
  const issueCount = constraints.allowed.length;
  let sinceCheck = 0;
  const tolerance = Float64Array.from(scaled, (party) => party.tolerance);
  const allExact = tolerance.every((eps) => eps === 0);
  const stages: Stage[] = [{ size: 1, parent: new Int32Array(1), option: new Int32Array(1), rank: new Int32Array(1) }];

  /** Exact numerator of item `index` of stage `stageIndex` for `party`, by walking back to the root. */
  function exactAt(stageIndex: number, index: number, party: number): bigint {
    let sum = 0n;
    const numerators = scaled[party]!.numerators;
    for (let s = stageIndex; s > 0; s--) {
      const stage = stages[s]!;
      sum += numerators[s - 1]![stage.option[index]!]!;
      index = stage.parent[index]!;
    }
    return sum;
  }

  // Current stage: values and counts, grouped by open-nogood state.
  let values = new Float64Array(n);
  let counts: (number | bigint)[] = [1];
  let groups: { key: string; open: number[]; start: number; end: number }[] = [{ key: '', open: [], start: 0, end: 1 }];
  const nogoods = constraints.nogoods;

  for (let issue = 0; issue < issueCount; issue++) {
    const previous = stages[issue]!;
    const optionValues = scaled.map((party) => party.values[issue]!);
    const optionNumerators = scaled.map((party) => party.numerators[issue]!);
    const allowedOptions = constraints.allowed[issue]!.flatMap((ok, option) => (ok ? [option] : []));

    // Group the sources (parent group, option) by the child's open-nogood state.
    const childGroups = new Map<string, { open: number[]; sources: { group: number; option: number }[] }>();
    groups.forEach((group, groupIndex) => {
      for (const option of allowedOptions) {
        const open: number[] = [];
        let violated = false;
        const consider = (id: number) => {
          const clauses = nogoods[id]!.clauses;
          const clause = clauses.find((c) => c.issue === issue);
          if (clause && !clause.options[option]) return; // no longer matches
          if (clauses[clauses.length - 1]!.issue <= issue) violated = true;
          else open.push(id);
        };
        for (const id of group.open) consider(id);
        nogoods.forEach((nogood, id) => {
          if (nogood.clauses[0]!.issue === issue) consider(id);
        });
        if (violated) continue;
        open.sort((a, b) => a - b);
        const key = open.join(',');
        let target = childGroups.get(key);
        if (!target) childGroups.set(key, (target = { open, sources: [] }));
        target.sources.push({ group: groupIndex, option });
      }
    });

    let capacity = 0;
    for (const target of childGroups.values()) {
      for (const source of target.sources) capacity += groups[source.group]!.end - groups[source.group]!.start;
    }
    if (check?.(capacity)) throw new FrontierStopped(capacity);
    const nextValues = new Float64Array(capacity * n);
    const nextParent = new Int32Array(capacity);
    const nextOption = new Int32Array(capacity);
    const nextCounts: (number | bigint)[] = [];
    const nextGroups: typeof groups = [];
    let size = 0;

    const exactCandidate = (parent: number, option: number, party: number): bigint =>
      exactAt(issue, parent, party) + optionNumerators[party]![option]!;

    /** Sign of (a − b) on one party's utility, for candidates given by parent and option. */
    const compareParty = (
      party: number,
      va: number,
      vb: number,
      pa: number,
      oa: number,
      pb: number,
      ob: number,
    ): number => {
      const difference = va - vb;
      const eps = tolerance[party]!;
      if (difference > eps) return 1;
      if (difference < -eps) return -1;
      if (eps === 0) return 0;
      const ea = exactCandidate(pa, oa, party);
      const eb = exactCandidate(pb, ob, party);
      return ea > eb ? 1 : ea < eb ? -1 : 0;
    };

    /**
     * Exact ranks of the kept items start..end−1 on one party's utility (equal utilities, equal ranks).
     */
    const ranksOf = (start: number, end: number, party: number): Int32Array => {
      const m = end - start;
      const order = Array.from({ length: m }, (_, i) => start + i);
      order.sort((a, b) =>
        compareParty(
          party,
          nextValues[a * n + party]!,
          nextValues[b * n + party]!,
          nextParent[a]!,
          nextOption[a]!,
          nextParent[b]!,
          nextOption[b]!,
        ),
      );
      const ranks = new Int32Array(m);
      let rank = 0;
      for (let k = 0; k < m; k++) {
        const item = order[k]!;
        if (k > 0) {
          const before = order[k - 1]!;
          if (
            compareParty(
              party,
              nextValues[item * n + party]!,
              nextValues[before * n + party]!,
              nextParent[item]!,
              nextOption[item]!,
              nextParent[before]!,
              nextOption[before]!,
            ) !== 0
          )
            rank++;
        }
        ranks[item - start] = rank;
      }
      return ranks;
    };

    /**
     * Four parties: the items start..end−1 are distinct and in decreasing lexicographic
     * order, so item i is dominated exactly when an earlier item j has u2, u3 and u4 at
     * least as large. Divide and conquer over positions (CDQ), sweeping u2 in decreasing
     * order and asking a Fenwick tree over u3 ranks for the largest u4 rank: O(m log² m).
     * Keeps the undominated items in place, in order; returns how many remain.
     */
    const removeDominatedFour = (start: number, end: number): number => {
      const m = end - start;
      const r2 = ranksOf(start, end, 1);
      const r3 = ranksOf(start, end, 2);
      const r4 = ranksOf(start, end, 3);
      const dominated = new Uint8Array(m);
      const order = Int32Array.from({ length: m }, (_, i) => i);
      const scratch = new Int32Array(m);
      // Fenwick tree over reversed u3 ranks (prefix = u3 rank at least x), holding max u4 rank.
      const tree = new Int32Array(m + 1).fill(-1);
      const insert = (rank3: number, rank4: number) => {
        for (let i = m - rank3; i <= m; i += i & -i) if (tree[i]! < rank4) tree[i] = rank4;
      };
      const clear = (rank3: number) => {
        for (let i = m - rank3; i <= m; i += i & -i) tree[i] = -1;
      };
      const query = (rank3: number): number => {
        let best = -1;
        for (let i = m - rank3; i > 0; i -= i & -i) if (tree[i]! > best) best = tree[i]!;
        return best;
      };
      const solve = (lo: number, hi: number): void => {
        if (hi - lo <= 1) return;
        const mid = (lo + hi) >> 1;
        solve(lo, mid);
        solve(mid, hi);
        // Both halves are sorted by u2 rank, decreasing; merge them while sweeping.
        let left = lo;
        let write = lo;
        for (let right = mid; right < hi; right++) {
          const item = order[right]!;
          while (left < mid && r2[order[left]!]! >= r2[item]!) {
            insert(r3[order[left]!]!, r4[order[left]!]!);
            scratch[write++] = order[left++]!;
          }
          if (!dominated[item] && query(r3[item]!) >= r4[item]!) dominated[item] = 1;
          scratch[write++] = item;
        }
        for (let k = lo; k < left; k++) clear(r3[order[k]!]!);
        while (left < mid) scratch[write++] = order[left++]!;
        for (let k = lo; k < hi; k++) order[k] = scratch[k]!;
      };
      solve(0, m);
      let write = start;
      for (let i = 0; i < m; i++) {
        if (dominated[i]) continue;
        const from = start + i;
        if (from !== write) {
          for (let p = 0; p < n; p++) nextValues[write * n + p] = nextValues[from * n + p]!;
          nextParent[write] = nextParent[from]!;
          nextOption[write] = nextOption[from]!;
          nextCounts[write] = nextCounts[from]!;
        }
        write++;
      }
      nextCounts.length = write;
      return write - start;
    };

    for (const [key, target] of childGroups) {
      const groupStart = size;
      const sources = target.sources;
      const cursor = sources.map((source) => groups[source.group]!.start);
      const limit = sources.map((source) => groups[source.group]!.end);
      const heads = new Float64Array(sources.length * n);
      const loadHead = (s: number) => {
        const parent = cursor[s]!;
        const option = sources[s]!.option;
        for (let p = 0; p < n; p++) heads[s * n + p] = values[parent * n + p]! + optionValues[p]![option]!;
      };
      /** Lexicographic comparison of two source heads: > 0 when `a` comes first (greater). */
      const compareHeads = (a: number, b: number): number => {
        for (let p = 0; p < n; p++) {
          const sign = compareParty(
            p,
            heads[a * n + p]!,
            heads[b * n + p]!,
            cursor[a]!,
            sources[a]!.option,
            cursor[b]!,
            sources[b]!.option,
          );
          if (sign !== 0) return sign;
        }
        return 0;
      };
      // Binary max-heap of live sources.
      const heap: number[] = [];
      const siftUp = (i: number) => {
        while (i > 0) {
          const up = (i - 1) >> 1;
          if (compareHeads(heap[i]!, heap[up]!) <= 0) break;
          [heap[i], heap[up]] = [heap[up]!, heap[i]!];
          i = up;
        }
      };
      const siftDown = (i: number) => {
        for (;;) {
          const left = 2 * i + 1;
          if (left >= heap.length) break;
          const right = left + 1;
          const best = right < heap.length && compareHeads(heap[right]!, heap[left]!) > 0 ? right : left;
          if (compareHeads(heap[best]!, heap[i]!) <= 0) break;
          [heap[i], heap[best]] = [heap[best]!, heap[i]!];
          i = best;
        }
      };
      sources.forEach((_, s) => {
        if (cursor[s]! < limit[s]!) {
          loadHead(s);
          heap.push(s);
          siftUp(heap.length - 1);
        }
      });

      // Dominance filter state. Candidates arrive in decreasing lexicographic order,
      // so a candidate can only be dominated by one kept before it.
      let lastKept = -1; // index of the kept item equal to the previous candidate, or -1 when it was dominated
      let hasLast = false;
      const last = new Float64Array(n);
      let lastParent = 0;
      let lastOptionIndex = 0;
      let best2 = -1; // n = 2: kept item with the largest second utility
      const recent: number[] = []; // n >= 4: kept items that recently dominated a candidate
      const stairX: number[] = []; // n = 3: staircase of kept items' (u2, u3), u2 ascending, u3 descending
      const compareKept = (
        party: number,
        candidateValue: number,
        parent: number,
        option: number,
        kept: number,
      ): number =>
        compareParty(
          party,
          candidateValue,
          nextValues[kept * n + party]!,
          parent,
          option,
          nextParent[kept]!,
          nextOption[kept]!,
        );

      while (heap.length > 0) {
        const s = heap[0]!;
        const parent = cursor[s]!;
        const option = sources[s]!.option;
        const base = s * n;
        let equalToLast = hasLast;
        if (hasLast) {
          for (let p = 0; p < n; p++) {
            if (compareParty(p, heads[base + p]!, last[p]!, parent, option, lastParent, lastOptionIndex) !== 0) {
              equalToLast = false;
              break;
            }
          }
        }
        if (equalToLast) {
          if (lastKept >= 0) {
            nextCounts[lastKept] = addCounts(nextCounts[lastKept]!, counts[parent]!);
            const keptParent = nextParent[lastKept]!;
            const keptOption = nextOption[lastKept]!;
            const rank = previous.rank;
            if (rank[parent]! < rank[keptParent]! || (parent === keptParent && option < keptOption)) {
              nextParent[lastKept] = parent;
              nextOption[lastKept] = option;
            }
          }
        } else {
          let dominated = false;
          if (n === 1) dominated = size > groupStart;
          else if (n === 2) dominated = best2 >= 0 && compareKept(1, heads[base + 1]!, parent, option, best2) <= 0;
          else if (n === 3) {
            // First staircase step with u2 >= candidate's u2 holds the largest u3 among them.
            let lo = 0;
            let hi = stairX.length;
            while (lo < hi) {
              const mid = (lo + hi) >> 1;
              if (compareKept(1, heads[base + 1]!, parent, option, stairX[mid]!) > 0) lo = mid + 1;
              else hi = mid;
            }
            dominated = lo < stairX.length && compareKept(2, heads[base + 2]!, parent, option, stairX[lo]!) <= 0;
            if (!dominated) {
              // Remove steps the new point covers: u2 <= its u2 and u3 <= its u3, just left of `lo`.
              let end = lo;
              if (end < stairX.length && compareKept(1, heads[base + 1]!, parent, option, stairX[end]!) === 0) end++;
              let begin = end;
              while (begin > 0 && compareKept(2, heads[base + 2]!, parent, option, stairX[begin - 1]!) >= 0) begin--;
              stairX.splice(begin, end - begin, size);
            }
          } else if (n === 4) {
            dominated = false; // decided for the whole group at once, below
          } else {
            // Five or more parties: scan the kept items, most recent dominators first. Floats
            // screen (a kept item can only dominate if it is within tolerance everywhere); the
            // exact comparison confirms.
            const covers = (kept: number): boolean => {
              const keptBase = kept * n;
              for (let p = 1; p < n; p++)
                if (nextValues[keptBase + p]! < heads[base + p]! - tolerance[p]!) return false;
              if (allExact) return true;
              for (let p = 1; p < n; p++) if (compareKept(p, heads[base + p]!, parent, option, kept) < 0) return false;
              return true;
            };
            for (let r = 0; r < recent.length && !dominated; r++) {
              if (covers(recent[r]!)) {
                dominated = true;
                if (r > 0) recent.unshift(...recent.splice(r, 1));
              }
            }
            for (let kept = size - 1; kept >= groupStart && !dominated; kept--) {
              if (covers(kept)) {
                dominated = true;
                recent.unshift(kept);
                if (recent.length > 8) recent.pop();
              }
            }
          }
          for (let p = 0; p < n; p++) last[p] = heads[base + p]!;
          lastParent = parent;
          lastOptionIndex = option;
          hasLast = true;
          if (dominated) lastKept = -1;
          else {
            for (let p = 0; p < n; p++) nextValues[size * n + p] = heads[base + p]!;
            nextParent[size] = parent;
            nextOption[size] = option;
            nextCounts[size] = counts[parent]!;
            if (n === 2) best2 = size;
            lastKept = size;
            size++;
          }
        }
        if (++sinceCheck >= CHECK_EVERY) {
          sinceCheck = 0;
          if (check?.(size)) throw new FrontierStopped(size);
        }
        cursor[s] = parent + 1;
        if (cursor[s]! < limit[s]!) {
          loadHead(s);
          siftDown(0);
        } else {
          const tail = heap.pop()!;
          if (heap.length > 0) {
            heap[0] = tail;
            siftDown(0);
          }
        }
      }
      if (n === 4 && size > groupStart) size = groupStart + removeDominatedFour(groupStart, size);
      if (size > groupStart) nextGroups.push({ key, open: target.open, start: groupStart, end: size });
    }

    // Rank items by their representative outcome (lexicographic), for the tie rule.
    const rank = new Int32Array(size);
    const order = Array.from({ length: size }, (_, i) => i);
    const maxOption = constraints.allowed[issue]!.length;
    const keys = new Float64Array(size);
    for (let i = 0; i < size; i++) keys[i] = previous.rank[nextParent[i]!]! * maxOption + nextOption[i]!;
    order.sort((a, b) => keys[a]! - keys[b]!);
    order.forEach((item, position) => (rank[item] = position));
    stages.push({ size, parent: nextParent.slice(0, size), option: nextOption.slice(0, size), rank });
    values = nextValues.subarray(0, size * n);
    counts = nextCounts;
    groups = nextGroups;
    onProgress?.(issue + 1, issueCount);
  }

  // After the last issue every nogood is settled: all items share the empty state, one group.
  const finalStage = stages[issueCount]!;
  return {
    parties: n,
    size: finalStage.size,
    numerators: values,
    counts,
    scaled,
    representative(index: number): number[] {
      const outcome = new Array<number>(issueCount);
      for (let s = issueCount; s > 0; s--) {
        outcome[s - 1] = stages[s]!.option[index]!;
        index = stages[s]!.parent[index]!;
      }
      return outcome;
    },
    exactNumerator(index: number, party: number): bigint {
      return exactAt(issueCount, index, party);
    },
  };
}

/** Adds two outcome counts, switching to BigInt beyond 2^53. */
export function addCounts(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (sum <= Number.MAX_SAFE_INTEGER) return sum;
  }
  const big = BigInt(a) + BigInt(b);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}
