import { addCounts } from './frontier.ts';

/** One stored utility vector (numerators as doubles) with its outcome count and smallest outcome. */
export interface ArchiveEntry {
  readonly vector: number[];
  /** The lexicographically smallest outcome inserted with this vector. */
  outcome: number[];
  count: number | bigint;
}

function lexicographicallyBefore(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** Counts another outcome in for an equal vector, keeping the smaller outcome as representative. */
function countIn(entry: ArchiveEntry, outcome: readonly number[], count: number | bigint): void {
  entry.count = addCounts(entry.count, count);
  if (lexicographicallyBefore(outcome, entry.outcome)) entry.outcome = [...outcome];
}

/**
 * A growing set of mutually non-dominated utility vectors, each with a count
 * of outcomes and the smallest outcome inserted for it. Comparisons are exact:
 * differences within a party's tolerance are settled by `exactNumerator` on
 * the stored outcomes.
 */
export class ParetoArchive {
  entries: ArchiveEntry[] = [];
  /** Vectors that recently dominated an inserted one: most new vectors are dominated by one of them. */
  private readonly recentDominators: number[][] = [];
  /** When every utility is exact in doubles, equal vectors are found by key. */
  private readonly byKey: Map<number, ArchiveEntry[]> | undefined;

  constructor(
    readonly parties: number,
    private readonly tolerance: Float64Array,
    private readonly exactNumerator: (party: number, outcome: readonly number[]) => bigint,
  ) {
    this.byKey = tolerance.every((eps) => eps === 0) ? new Map() : undefined;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Sign of a − b on one party's utility, exact. */
  private compare(
    a: readonly number[],
    aOutcome: readonly number[],
    b: readonly number[],
    bOutcome: readonly number[],
    p: number,
  ): number {
    const difference = a[p]! - b[p]!;
    const eps = this.tolerance[p]!;
    if (difference > eps) return 1;
    if (difference < -eps) return -1;
    if (eps === 0) return 0;
    const ea = this.exactNumerator(p, aOutcome);
    const eb = this.exactNumerator(p, bOutcome);
    return ea > eb ? 1 : ea < eb ? -1 : 0;
  }

  /** True when q is at least v for every party and above it for one, judged on floats with margins (never wrongly true). */
  private surelyDominates(q: ArrayLike<number>, v: ArrayLike<number>): boolean {
    let above = false;
    for (let p = 0; p < this.parties; p++) {
      const difference = q[p]! - v[p]!;
      const eps = this.tolerance[p]!;
      if (eps === 0 ? difference < 0 : difference <= eps) return false;
      if (difference > 0) above = true;
    }
    return above;
  }

  /**
   * Adds an outcome's vector: counted in when an equal vector is stored, dropped
   * when dominated, otherwise stored (removing the vectors it dominates).
   * `vector` and `outcome` are copied when stored.
   */
  insert(vector: readonly number[], outcome: readonly number[], count: number | bigint): void {
    const recent = this.recentDominators;
    for (let r = 0; r < recent.length; r++) {
      const dominator = recent[r]!;
      if (this.surelyDominates(dominator, vector)) {
        // Move to front, in place.
        for (let k = r; k > 0; k--) recent[k] = recent[k - 1]!;
        recent[0] = dominator;
        return;
      }
    }
    if (this.parties === 2) return this.insertTwo(vector, outcome, count);
    const n = this.parties;
    const key = this.byKey ? hashVector(vector) : 0;
    const same = this.byKey?.get(key)?.find((entry) => entry.vector.every((value, p) => value === vector[p]));
    if (same) {
      countIn(same, outcome, count);
      return;
    }
    const entries = this.entries;
    const tolerance = this.tolerance;
    scan: for (const entry of entries) {
      // Floats rule most entries out at once: below the new vector by more than the tolerance somewhere.
      const q = entry.vector;
      for (let p = 0; p < n; p++) if (q[p]! < vector[p]! - tolerance[p]!) continue scan;
      let geq = true;
      let leq = true;
      for (let p = 0; p < n && (geq || leq); p++) {
        const sign = this.compare(entry.vector, entry.outcome, vector, outcome, p);
        if (sign < 0) geq = false;
        if (sign > 0) leq = false;
      }
      if (geq && leq) {
        countIn(entry, outcome, count);
        return;
      }
      if (geq) {
        this.remember(entry.vector);
        return;
      }
    }
    const kept: ArchiveEntry[] = [];
    for (const entry of entries) {
      let covered = true;
      for (let p = 0; p < n && covered; p++)
        if (this.compare(vector, outcome, entry.vector, entry.outcome, p) < 0) covered = false;
      if (!covered) kept.push(entry);
      else if (this.byKey) {
        const hash = hashVector(entry.vector);
        const bucket = this.byKey.get(hash)!.filter((other) => other !== entry);
        if (bucket.length > 0) this.byKey.set(hash, bucket);
        else this.byKey.delete(hash);
      }
    }
    const created: ArchiveEntry = { vector: [...vector], outcome: [...outcome], count };
    kept.push(created);
    if (this.byKey) {
      const bucket = this.byKey.get(key);
      if (bucket) bucket.push(created);
      else this.byKey.set(key, [created]);
    }
    this.entries = kept;
  }

  /** Keeps a vector that dominated an inserted one at the front of the recent dominators. */
  private remember(dominator: number[]): void {
    this.recentDominators.unshift(dominator);
    if (this.recentDominators.length > 16) this.recentDominators.pop();
  }

  /** Two parties: entries kept sorted by u1 descending, hence u2 ascending. */
  private insertTwo(vector: readonly number[], outcome: readonly number[], count: number | bigint): void {
    const entries = this.entries;
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const entry = entries[mid]!;
      if (this.compare(entry.vector, entry.outcome, vector, outcome, 0) > 0) lo = mid + 1;
      else hi = mid;
    }
    // entries[0..lo) have a larger u1; the largest u2 among them is at lo − 1.
    if (lo > 0 && this.compare(entries[lo - 1]!.vector, entries[lo - 1]!.outcome, vector, outcome, 1) >= 0) {
      this.remember(entries[lo - 1]!.vector);
      return;
    }
    if (lo < entries.length && this.compare(entries[lo]!.vector, entries[lo]!.outcome, vector, outcome, 0) === 0) {
      const sign = this.compare(entries[lo]!.vector, entries[lo]!.outcome, vector, outcome, 1);
      if (sign === 0) {
        countIn(entries[lo]!, outcome, count);
        return;
      }
      if (sign > 0) return;
    }
    let end = lo;
    while (end < entries.length && this.compare(entries[end]!.vector, entries[end]!.outcome, vector, outcome, 1) <= 0)
      end++;
    entries.splice(lo, end - lo, { vector: [...vector], outcome: [...outcome], count });
  }

  /**
   * True when some stored vector is at least `bound` for every party and
   * differs from it, so that no outcome whose vector is at most `bound` can be
   * Pareto-optimal. Parties with a tolerance are tested with that margin.
   */
  dominatesBound(bounds: ArrayLike<number>): boolean {
    const entries = this.entries;
    if (this.parties === 2) {
      const t0 = this.tolerance[0]!;
      let lo = 0;
      let hi = entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const difference = entries[mid]!.vector[0]! - bounds[0]!;
        if (t0 === 0 ? difference >= 0 : difference > t0) lo = mid + 1;
        else hi = mid;
      }
      return lo > 0 && this.surelyDominates(entries[lo - 1]!.vector, bounds);
    }
    for (const entry of entries) if (this.surelyDominates(entry.vector, bounds)) return true;
    return false;
  }

  /** Entries in decreasing lexicographic order of vectors. */
  sortedEntries(): ArchiveEntry[] {
    return [...this.entries].sort((a, b) => {
      for (let p = 0; p < this.parties; p++) {
        const sign = this.compare(b.vector, b.outcome, a.vector, a.outcome, p);
        if (sign !== 0) return sign;
      }
      return 0;
    });
  }
}

/** A 32-bit hash of a vector of integer-valued doubles (exact utility numerators). */
function hashVector(vector: readonly number[]): number {
  let hash = 0x811c9dc5;
  for (const value of vector) {
    hash = Math.imul(hash ^ ((value % 0x100000000) | 0), 0x01000193);
    hash = Math.imul(hash ^ (Math.floor(value / 0x100000000) | 0), 0x01000193);
  }
  return hash;
}
