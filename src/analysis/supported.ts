/**
 * A frontier too long to compute, described without it: a bound on its size and a sample of packages on it,
 * each exact and Pareto-optimal, found by weighted-welfare maximisation (bargain.ts weightedWelfarePackage: a
 * maximiser of Σ w_p u_p, w ≥ 0, with the engine's tie rule is Pareto-optimal; the proof is there).
 */
import { weightedWelfarePackage, type Budget } from './bargain.ts';
import type { CompiledConstraints } from './frontier.ts';
import type { ScaledAdditive } from './scaled.ts';

/** A package on the frontier: its outcome and exact utility numerators (over each party's denominator). */
export interface SupportedPackage {
  readonly outcome: number[];
  readonly numerators: bigint[];
}

/**
 * An upper bound of the frontier's size in distinct utility vectors: the product over issues of the distinct
 * utility vectors its allowed options give (a sum of one option's vector per issue takes at most that many
 * values), never more than the number of outcomes that keep the red lines.
 */
export function frontierSizeBound(scaled: readonly ScaledAdditive[], constraints: CompiledConstraints): bigint {
  let bound = 1n;
  constraints.allowed.forEach((row, issue) => {
    const distinct = new Set<string>();
    row.forEach((ok, option) => {
      if (ok) distinct.add(scaled.map((party) => party.numerators[issue]![option]!).join(','));
    });
    bound *= BigInt(distinct.size);
  });
  return bound;
}

/**
 * Integer weight vectors spread over the simplex: each party alone first (its best package), then every
 * composition of K into positive parts for the largest K with at most `size` of them, in a scattered order so
 * that a search cut short by its budget still covers the whole simplex.
 */
export function simplexWeights(parties: number, size: number): number[][] {
  const alone = Array.from({ length: parties }, (_, q) => Array.from({ length: parties }, (_, p) => (p === q ? 1 : 0)));
  if (parties < 2) return alone;
  const compositions = (total: number): number => {
    // C(total − 1, parties − 1), stopping early once past `size`.
    let c = 1;
    for (let k = 1; k < parties; k++) {
      c = (c * (total - k)) / k;
      if (c > size * 4) return Infinity;
    }
    return Math.round(c);
  };
  let total = parties + 1;
  while (compositions(total + 1) <= size) total++;
  const grid: number[][] = [];
  const walk = (prefix: number[], left: number) => {
    if (prefix.length === parties - 1) {
      if (left >= 1) grid.push([...prefix, left]);
      return;
    }
    for (let w = 1; w <= left - (parties - 1 - prefix.length); w++) walk([...prefix, w], left - w);
  };
  walk([], total);
  const scattered = grid
    .map((weights, index) => ({ weights, key: (Math.imul(index + 1, 2654435761) >>> 0) / 2 ** 32 }))
    .sort((a, b) => a.key - b.key)
    .map((entry) => entry.weights);
  return [...alone, ...scattered];
}

/** Decreasing lexicographic order of utilities, party 1 first: the frontier listing's order. */
export function frontierOrder(a: SupportedPackage, b: SupportedPackage): number {
  for (let p = 0; p < a.numerators.length; p++) {
    const x = a.numerators[p]!;
    const y = b.numerators[p]!;
    if (x !== y) return x > y ? -1 : 1;
  }
  return 0;
}

/**
 * Pareto-optimal packages spread along the frontier, without it: the maximisers of weighted welfare for the
 * weights of simplexWeights (each proved within the budget; one the budget cut short is left out), with
 * `extra` packages the caller knows to be Pareto-optimal (the bargaining points), distinct utility vectors,
 * in the frontier's order. `complete`: every weight vector was searched to the end.
 */
export function supportedSample(
  scaled: readonly ScaledAdditive[],
  constraints: CompiledConstraints,
  size: number,
  extra: readonly SupportedPackage[] = [],
  budget?: Budget,
): { packages: SupportedPackage[]; complete: boolean } {
  const found = new Map<string, SupportedPackage>();
  const keep = (pkg: SupportedPackage) => {
    const key = pkg.numerators.join(',');
    const before = found.get(key);
    // The same vector twice: the smaller outcome, the frontier's representative.
    if (!before || compareOutcomes(pkg.outcome, before.outcome) < 0) found.set(key, pkg);
  };
  extra.forEach(keep);
  let complete = true;
  for (const weights of simplexWeights(scaled.length, size)) {
    if (found.size >= size) break;
    if (budget && budget.now() >= budget.deadline) {
      complete = false;
      break;
    }
    const result = weightedWelfarePackage(scaled, constraints, weights, budget);
    if (result.outcome === null) {
      if (result.stopped) complete = false;
      continue;
    }
    keep(result);
  }
  return { packages: [...found.values()].sort(frontierOrder), complete };
}

function compareOutcomes(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
