/**
 * Improvements on a draft without the Pareto frontier: the packages that leave
 * every party at least as well off as the draft and one better off, best
 * first, for additive utility functions under the hard constraints (red lines
 * and link constraints; reservation values play no part: the draft is the
 * reference). One ranking by the Nash product of the gains over the draft,
 * Π (u_i − d_i), and one per party by its own gain u_q − d_q; ties by the
 * engine's rule (larger Σ u_i, then the lexicographically larger utility
 * vector, then the smaller outcome). Each ranking lists distinct utility
 * vectors, each with its lexicographically smallest outcome.
 *
 * Top-k branch and bound over the issues (bargain.ts' `Prepared`): a subtree
 * is cut when some party's optimistic utility falls below its draft utility,
 * or when its bound on the criterion is below the k-th listed package's, or
 * when the criterion cannot exceed the k-th's (decided exactly, with BigInt
 * numerators) and its welfare bound is below the k-th's. Bounds: a party's
 * optimistic utility; for the Nash product, the smaller of the product of the
 * optimistic gains and the tangent of Σ log g at the continuous optimum of the
 * relaxation (bargain-bounds.ts). Floats only prune with a margin far above
 * their rounding error; everything listed is compared exactly.
 *
 * A listed package is Pareto-optimal exactly when no other listed package of
 * its ranking dominates it: a package dominating an improvement is itself an
 * improvement that ranks strictly higher in every ranking, so it is listed
 * whenever the ranking is proved.
 */
import type { CompiledConstraints } from './frontier.ts';
import { compare, rational, sub, toNumber, ZERO, type Rational } from './rational.ts';
import type { ScaledAdditive } from './scaled.ts';
import { completesNogood, nogoodsByDepth, Prepared, SearchClock, type Budget, type Leaf } from './bargain.ts';
import { maxMinWeights, nashTangent, partyGainWeights, rationalOfDouble } from './bargain-bounds.ts';

/** How many packages each ranking lists by default. */
export const IMPROVEMENTS_PER_RANKING = 10;

export interface Improvement {
  /** Option indices in issue order: the lexicographically smallest outcome with these utilities. */
  readonly outcome: number[];
  /** Exact utilities, party order. */
  readonly utilities: Rational[];
  /** The ranking's criterion, exactly: the Nash product of the gains over the draft, or the party's gain. */
  readonly value: Rational;
  /** True when no package keeping the hard constraints dominates it; null when the ranking is not proved. */
  readonly paretoOptimal: boolean | null;
}

export interface ImprovementRanking {
  /**
   * `optimal`: `packages` are exactly the best k improvements (all of them when fewer);
   * `best-found`: the time budget ran out first, `gap` bounding how much better an unlisted one could score
   * than the last listed (null when none was listed).
   */
  readonly status: 'optimal' | 'best-found';
  readonly packages: readonly Improvement[];
  readonly gap: Rational | null;
  readonly nodes: number;
}

export interface DraftImprovements {
  /** How many packages a ranking lists at most. */
  readonly k: number;
  /** By the Nash product of the gains over the draft. */
  readonly nash: ImprovementRanking;
  /** Per party (party order): by that party's gain. */
  readonly byParty: readonly ImprovementRanking[];
  /** Whether some package improves on the draft (null when the budget ran out before one was found or ruled out). */
  readonly improvable: boolean | null;
  /** True when every ranking is proved. */
  readonly complete: boolean;
}

export interface ImprovementOptions {
  readonly k?: number;
  readonly budget?: Budget;
}

interface Entry {
  readonly leaf: Leaf;
  readonly key: string;
  readonly value: Rational;
  readonly valueFloat: number;
  readonly welfareFloat: number;
}

/**
 * The best improvements on `draft` (option indices in issue order), by Nash
 * product and by each party's gain, k per ranking.
 */
export function draftImprovements(
  scaled: readonly ScaledAdditive[],
  constraints: CompiledConstraints,
  draft: readonly number[],
  options: ImprovementOptions = {},
): DraftImprovements {
  const k = Math.max(1, Math.floor(options.k ?? IMPROVEMENTS_PER_RANKING));
  const draftNumerators = scaled.map((party) =>
    draft.reduce((sum, option, issue) => sum + party.numerators[issue]![option]!, 0n),
  );
  const draftUtilities = draftNumerators.map((num, p) => rational(num, scaled[p]!.denominator));
  const problem = new Prepared(scaled, constraints, draftUtilities);
  const { n } = problem;
  const outer = options.budget;
  let searchesLeft = n + 1;
  const slice = (): Budget | undefined => {
    if (!outer) return undefined;
    const now = outer.now();
    const share = Math.max(0, outer.deadline - now) / Math.max(1, searchesLeft--);
    return { now: outer.now, deadline: now + share };
  };

  const nash = rank(problem, draft, draftNumerators, { kind: 'nash' }, k, slice());
  const byParty = Array.from({ length: n }, (_, q) =>
    // No improvement at all: nothing to rank by any party.
    nash.status === 'optimal' && nash.packages.length === 0
      ? { ...nash, nodes: 0 }
      : rank(problem, draft, draftNumerators, { kind: 'party', party: q }, k, slice()),
  );
  const all = [nash, ...byParty];
  const found = all.some((ranking) => ranking.packages.length > 0);
  return {
    k,
    nash,
    byParty,
    improvable: found ? true : nash.status === 'optimal' ? false : null,
    complete: all.every((ranking) => ranking.status === 'optimal'),
  };
}

type Criterion = { readonly kind: 'nash' } | { readonly kind: 'party'; readonly party: number };

function rank(
  problem: Prepared,
  draft: readonly number[],
  draftNumerators: readonly bigint[],
  criterion: Criterion,
  k: number,
  budget: Budget | undefined,
): ImprovementRanking {
  const { n, m, values, constraints, scaled } = problem;
  const d = problem.reservations; // the draft's utilities, as floats
  const margin = 1e-9 * problem.scale;
  const ones = Array.from({ length: n }, () => 1);

  // The Nash tangent: gains near the continuous optimum of Σ log g over mixtures of packages.
  let tangent: { weights: number[]; constant: number } | null = null;
  if (criterion.kind === 'nash') {
    const hat = nashTangent(
      values,
      d.map((x) => -x),
      problem.allowed,
      d.map(() => 1e-3 * problem.scale),
    );
    if (hat.every((g) => g > 1e-6 * problem.scale)) {
      const weights = hat.map((g) => 1 / g);
      let constant = 0;
      hat.forEach((g, p) => (constant += Math.log(g) - 1 - d[p]! / g));
      tangent = { weights, constant };
    }
  }
  // Weights λ of the linear relaxation of max min_p (u_p − d_p): every improvement has Σ λ_p (u_p − d_p) ≥ 0,
  // so a subtree where even the best of that sum is negative holds none, and for a party q any c ≥ 0 gives
  // u_q − d_q ≤ u_q − d_q + c Σ λ_p (u_p − d_p), a bound separable over the issues.
  const lambda = maxMinWeights(
    values,
    d.map((x) => -x),
    problem.allowed,
  );
  let lambdaConstant = 0;
  lambda.forEach((w, p) => (lambdaConstant -= w * d[p]!));
  // Per party q, Lagrangian bounds Σ_p w_p (u_p − d_p) with w_q = 1: the duals of the relaxation of max u_q − d_q
  // under u_p ≥ d_p, and the max-min weights scaled (both valid for any non-negative multipliers).
  const partyWeights: number[][] = [];
  if (criterion.kind === 'party') {
    const q = criterion.party;
    partyWeights.push(partyGainWeights(values, draft, problem.allowed, q));
    for (const c of [0.5, 2, 8]) partyWeights.push(lambda.map((w, p) => c * w + (p === q ? 1 : 0)));
  }
  const partyConstants = partyWeights.map((weights) => weights.reduce((sum, w, p) => sum - w * d[p]!, 0));
  // Options are tried best first by the relaxation's weights: for a party, its own gain priced against the others'
  // draft utilities (the duals), so the first packages reached are improvements, not the party's ideal. Measured
  // on 7 × 28 × 5 with random drafts (seeds 1–20): 10–20× fewer nodes than steering by the party's gain alone.
  const steer =
    criterion.kind === 'nash'
      ? (tangent?.weights ?? ones)
      : partyWeights[0]!.map((w, p) => (p === criterion.party ? 1 : w + 1e-3));
  const tables = problem.tables({
    steer,
    linear: [ones, lambda, ...partyWeights, ...(tangent ? [tangent.weights] : [])],
  });
  const tangentTable = 2 + partyWeights.length;
  const { order, options, best: optimistic, suffix } = tables;
  const marginValue = criterion.kind === 'nash' ? 1e-9 * problem.scale ** n : margin;

  // Exact suffix bests, for the exact bound at near-ties.
  const bestNumerators = scaled.map((party) => {
    const table = new Array<bigint>(m + 1).fill(0n);
    for (let depth = m - 1; depth >= 0; depth--) {
      const row = party.numerators[order[depth]!]!;
      let top: bigint | null = null;
      for (const option of options[depth]!) if (top === null || row[option]! > top) top = row[option]!;
      table[depth] = table[depth + 1]! + (top ?? 0n);
    }
    return table;
  });

  const nogoodsAt = nogoodsByDepth(constraints, order);

  const exactValue = (leaf: Leaf): Rational => {
    if (criterion.kind === 'party') return problem.gain(leaf, criterion.party);
    let product = rational(1n);
    for (let p = 0; p < n; p++) {
      const gain = problem.gain(leaf, p);
      product = rational(product.num * gain.num, product.den * gain.den);
    }
    return product;
  };
  const better = (a: Entry, b: Entry) => compare(a.value, b.value) || problem.tie(a.leaf, b.leaf);

  const list: Entry[] = [];
  let kthValue = -Infinity;
  let kthWelfare = -Infinity;
  const refresh = () => {
    if (list.length < k) return;
    kthValue = list[k - 1]!.valueFloat;
    kthWelfare = list[k - 1]!.welfareFloat;
  };

  const s = new Float64Array((m + 1) * n);
  const outcome = new Array<number>(m).fill(0);
  const lower = d.map((x) => x - margin);
  const clock = new SearchClock(budget);

  /** The exact optimistic criterion at a node whose issues before `depth` are chosen, ≤ the k-th's? */
  const cannotBeatKth = (depth: number): boolean => {
    const kth = list[k - 1]!.value;
    const upper = (p: number) => {
      let sum = bestNumerators[p]![depth]!;
      for (let e = 0; e < depth; e++) sum += scaled[p]!.numerators[order[e]!]![outcome[order[e]!]!]!;
      return sum - draftNumerators[p]!;
    };
    if (criterion.kind === 'party')
      return compare(rational(upper(criterion.party), scaled[criterion.party]!.denominator), kth) <= 0;
    let num = 1n;
    let den = 1n;
    for (let p = 0; p < n; p++) {
      const gain = upper(p);
      if (gain <= 0n) return compare(ZERO, kth) <= 0;
      num *= gain;
      den *= scaled[p]!.denominator;
    }
    return compare(rational(num, den), kth) <= 0;
  };

  const leaf = () => {
    const numerators = problem.numerators(outcome);
    let above = false;
    for (let p = 0; p < n; p++) {
      if (numerators[p]! < draftNumerators[p]!) return;
      if (numerators[p]! > draftNumerators[p]!) above = true;
    }
    if (!above) return;
    const candidate: Leaf = { outcome: [...outcome], numerators };
    const value = exactValue(candidate);
    const key = numerators.join(',');
    const entry: Entry = {
      leaf: candidate,
      key,
      value,
      valueFloat: toNumber(value),
      welfareFloat: toNumber(problem.welfareValue(candidate)),
    };
    const same = list.findIndex((other) => other.key === key);
    if (same >= 0) {
      // Same utilities: the smaller outcome represents them.
      if (problem.tie(candidate, list[same]!.leaf) > 0) list[same] = entry;
      return;
    }
    if (list.length === k && better(entry, list[k - 1]!) <= 0) return;
    let at = list.length;
    while (at > 0 && better(entry, list[at - 1]!) > 0) at--;
    list.splice(at, 0, entry);
    if (list.length > k) list.pop();
    refresh();
  };

  const boundOf = (base: number, depth: number): number => {
    if (criterion.kind === 'party') {
      const q = criterion.party;
      let bound = s[base + q]! + optimistic[q * (m + 1) + depth]! - d[q]!;
      for (let j = 0; j < partyWeights.length; j++) {
        const weights = partyWeights[j]!;
        let linear = suffix[2 + j]![depth]! + partyConstants[j]!;
        for (let p = 0; p < n; p++) linear += weights[p]! * s[base + p]!;
        if (linear < bound) bound = linear;
      }
      return bound;
    }
    let product = 1;
    for (let p = 0; p < n; p++) product *= Math.max(0, s[base + p]! + optimistic[p * (m + 1) + depth]! - d[p]!);
    if (!tangent) return product;
    let linear = tangent.constant + suffix[tangentTable]![depth]!;
    for (let p = 0; p < n; p++) linear += tangent.weights[p]! * s[base + p]!;
    return Math.min(product, Math.exp(linear) * (1 + 1e-9));
  };

  const visit = (depth: number) => {
    if (depth === m) return leaf();
    const issue = order[depth]!;
    const base = depth * n;
    const next = base + n;
    for (const option of options[depth]!) {
      outcome[issue] = option;
      if (completesNogood(nogoodsAt[depth]!, outcome)) continue;
      let feasible = true;
      for (let p = 0; p < n; p++) {
        const value = s[base + p]! + values[p]![issue]![option]!;
        s[next + p] = value;
        if (value + optimistic[p * (m + 1) + depth + 1]! < lower[p]!) feasible = false;
      }
      if (!feasible) continue;
      let relaxed = lambdaConstant + suffix[1]![depth + 1]!;
      for (let p = 0; p < n; p++) relaxed += lambda[p]! * s[next + p]!;
      if (relaxed < -margin) continue;
      const bound = boundOf(next, depth + 1);
      if (list.length === k) {
        if (bound < kthValue - marginValue) continue;
        if (bound <= kthValue + marginValue) {
          let welfare = suffix[0]![depth + 1]!;
          for (let p = 0; p < n; p++) welfare += s[next + p]!;
          if (welfare < kthWelfare - margin && cannotBeatKth(depth + 1)) continue;
        }
      }
      if (clock.enter(bound)) visit(depth + 1);
    }
    outcome[issue] = 0;
  };
  if (problem.allowed.every((row) => row.length > 0)) {
    if (m === 0) leaf();
    else visit(0);
  }

  const proved = !clock.stopped;
  const packages = list.map((entry): Improvement => ({
    outcome: entry.leaf.outcome,
    utilities: entry.leaf.numerators.map((_, p) => problem.utility(entry.leaf, p)),
    value: entry.value,
    paretoOptimal: proved
      ? !list.some(
          (other) =>
            other !== entry &&
            other.leaf.numerators.every((x, p) => x >= entry.leaf.numerators[p]!) &&
            other.key !== entry.key,
        )
      : null,
  }));
  let gap: Rational | null = null;
  if (!proved && list.length > 0) {
    const last = list[list.length - 1]!.value;
    const upper = rationalOfDouble(clock.openBound + marginValue);
    gap = compare(upper, last) > 0 ? sub(upper, last) : ZERO;
  }
  return { status: proved ? 'optimal' : 'best-found', packages, gap, nodes: clock.nodes };
}
