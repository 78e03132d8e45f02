/**
 * Bargaining points without the Pareto frontier: Nash, Kalai-Smorodinsky,
 * maximum welfare and egalitarian points of additive utility functions by
 * depth-first branch and bound over the issues, under the red lines, the link
 * constraints and the reservation values, with the definitions and the tie
 * rule of solutions.ts:
 *
 * - maximum welfare: max Σ u_i over u_i ≥ r_i;
 * - egalitarian: max min_i (u_i − r_i) over u_i ≥ r_i;
 * - Kalai-Smorodinsky: max min_i (u_i − r_i)/(I_i − r_i) over u_i ≥ r_i, parties
 *   with I_i = r_i left out, I_i the best u_i over u_j ≥ r_j (searched first);
 *   a maximiser with the tie rule is Pareto-optimal (solutions.ts), so this is
 *   the frontier's definition;
 * - Nash: max Π (u_i − r_i) over u_i > r_i;
 * - ties: larger Σ u_i, then the lexicographically larger utility vector, then
 *   the lexicographically smaller outcome (option indices in issue order).
 *
 * Bounds. At a node (issues before depth d chosen), s_p is party p's partial
 * utility and R_p its best over the remaining issues (red lines applied; link
 * constraints relaxed). Welfare: Σ s_p + Σ over remaining issues of the best
 * option's Σ_p u_p (separable, exact). Max-min criteria: the smaller of
 * min_p (s_p + R_p − r_p) (scaled for KS) and the Lagrangian bound
 * Σ_p λ_p (s_p − r_p) + Σ_remaining max_option Σ_p λ_p u_p, valid for any λ
 * on the simplex (λ: the duals of the linear relaxation). Nash, in logs: the
 * smaller of Σ log(s_p + R_p − r_p) and the tangent of the concave Σ log g at
 * ĝ (the continuous optimum), Σ (log ĝ_p − 1) + Σ g_p / ĝ_p, again separable.
 *
 * Exactness. The search runs on doubles (utilities near [0, 1]; the rounding
 * error of a sum of at most a few hundred such terms is below 1e-13) and only
 * prunes a node whose bound is below the best found by more than a margin
 * (1e-9 of the utility scale, 1e-7 in logs), far above that error: no package
 * that could be better or tied is cut. Leaves within the margin of the best are
 * compared with BigInt numerators (scaled.ts) on the full tie rule, and
 * feasibility within the margin is decided exactly: every claimed answer is
 * exact. When the time budget runs out, the point found so far is returned with
 * the largest bound of the unexplored nodes as its proven gap.
 */
import type { CompiledConstraints } from './frontier.ts';
import { add, compare, lcm, rational, sub, toNumber, ZERO, type Rational } from './rational.ts';
import type { ScaledAdditive } from './scaled.ts';
import { maxMinWeights, nashTangent, rationalOfDouble } from './bargain-bounds.ts';

/** A time budget: `now()` in milliseconds (the caller's clock) and the moment to stop. The engine reads no clock itself. */
export interface Budget {
  readonly now: () => number;
  readonly deadline: number;
}

/**
 * How a point was settled: `optimal` proved; `best-found` the budget ran out
 * (`gap` bounds how much better the criterion could be, exactly; null when
 * not known); `none` proved that no package qualifies; `not-found` the budget
 * ran out before any qualifying package was found.
 */
export type PointStatus = 'optimal' | 'best-found' | 'none' | 'not-found';

export interface DirectPoint {
  readonly status: PointStatus;
  /** Option indices in issue order (null when none was found). */
  readonly outcome: number[] | null;
  /** Exact utilities, party order. */
  readonly utilities: Rational[] | null;
  /** The criterion's value at the point (welfare; min gain; min ratio; product of gains), exactly. */
  readonly value: Rational | null;
  /** When `best-found`: a proven upper bound of the criterion minus `value`. */
  readonly gap: Rational | null;
  /** Search nodes visited. */
  readonly nodes: number;
}

export interface DirectSolutions {
  readonly nash: DirectPoint;
  readonly kalaiSmorodinsky: DirectPoint;
  readonly maxWelfare: DirectPoint;
  readonly egalitarian: DirectPoint;
  /** I_i (null when no package gives every party its reservation value), with how each was settled. */
  readonly ideal: readonly (Rational | null)[];
  readonly idealStatus: readonly PointStatus[];
  /** True when every point (and the ideal) is proved. */
  readonly complete: boolean;
}

export interface Leaf {
  readonly outcome: number[];
  readonly numerators: bigint[];
}

/** What one search maximises. */
interface Objective {
  /** Weights of the parties' utilities for issue and option ordering. */
  readonly steer: readonly number[];
  /** Float lower bounds on u_p (feasibility); `strict` for Nash's u_p > r_p. */
  readonly strict: boolean;
  readonly margin: number;
  /** Upper bound of the score over completions of a node. */
  bound(s: Float64Array, base: number, depth: number, tables: Tables, linear: Linear | null): number;
  score(u: Float64Array, base: number): number;
  /** The criterion exactly (the larger the better). */
  exact(leaf: Leaf): Rational;
  /** The float score of a new best, from its exact utilities (when `score` may be a placeholder). */
  rescore?(leaf: Leaf): number;
  /** Linear bounds: weight vectors whose suffix tables the search precomputes. */
  readonly linear: readonly (readonly number[])[];
  /**
   * Re-weighting of the Lagrangian bound at shallow nodes: weights for the relaxation where each issue may take
   * the options in `allowed` (the chosen issues one option). Any weights give a valid bound.
   */
  readonly relink?: (allowed: readonly (readonly number[])[]) => { weights: number[]; constant: number } | null;
  /** `relink` is called at even depths up to this one. */
  readonly relinkDepth?: number;
}

/**
 * The max-min relaxation is re-solved at even depths while at least this many issues are open. Measured on
 * 7 × 28 × 5 (bench/synthetic.ts): the root's weights leave the bound loose in mid-tree (1.27M nodes on seed 5;
 * 7,500 with the relaxation re-solved at every node, but then the simplex is most of the time); every second
 * depth down to 12 open issues balances the two.
 */
export const RELINK_OPEN_ISSUES = 12;

/** A Lagrangian bound's weights, constant and suffix table (entries at the depths it was built for). */
export interface Linear {
  readonly weights: ArrayLike<number>;
  readonly constant: number;
  readonly suffix: Float64Array;
}

export interface Tables {
  readonly order: number[];
  readonly options: number[][];
  /** best[p * (m + 1) + d]: party p's best over issues at depths ≥ d. */
  readonly best: Float64Array;
  /** suffix[k][d]: Σ over depths ≥ d of the best option's weighted sum under linear[k]. */
  readonly suffix: Float64Array[];
}

/** The problem as the search sees it. */
export class Prepared {
  readonly n: number;
  readonly m: number;
  readonly values: Float64Array[][];
  readonly allowed: number[][];
  readonly reservations: number[];
  readonly scale: number;
  readonly commonDenominator: bigint;
  /** nogoods checked when the deepest issue they mention is chosen: per issue, the nogoods by that issue. */
  constructor(
    readonly scaled: readonly ScaledAdditive[],
    readonly constraints: CompiledConstraints,
    readonly exactReservations: readonly Rational[],
  ) {
    this.n = scaled.length;
    this.m = constraints.allowed.length;
    this.values = scaled.map((party) =>
      party.numerators.map((row) => Float64Array.from(row, (num) => toNumber(rational(num, party.denominator)))),
    );
    this.allowed = constraints.allowed.map((row) => row.flatMap((ok, option) => (ok ? [option] : [])));
    this.reservations = exactReservations.map(toNumber);
    this.scale = Math.max(
      1,
      ...this.values.map((rows) => rows.reduce((sum, row) => sum + Math.max(0, ...Array.from(row, Math.abs)), 0)),
      ...this.reservations.map(Math.abs),
    );
    this.commonDenominator = scaled.map((party) => party.denominator).reduce(lcm, 1n);
  }

  numerators(outcome: readonly number[]): bigint[] {
    return this.scaled.map((party) =>
      outcome.reduce((sum, option, issue) => sum + party.numerators[issue]![option]!, 0n),
    );
  }
  utility(leaf: Leaf, p: number): Rational {
    return rational(leaf.numerators[p]!, this.scaled[p]!.denominator);
  }
  /** u_p − r_p, exactly. */
  gain(leaf: Leaf, p: number): Rational {
    return sub(this.utility(leaf, p), this.exactReservations[p]!);
  }
  /** Σ u_i, exactly. */
  welfareValue(leaf: Leaf): Rational {
    return leaf.numerators.reduce<Rational>((sum, _, p) => add(sum, this.utility(leaf, p)), ZERO);
  }
  welfare(leaf: Leaf): bigint {
    return leaf.numerators.reduce(
      (sum, value, p) => sum + value * (this.commonDenominator / this.scaled[p]!.denominator),
      0n,
    );
  }
  /** The tie rule: larger welfare, then lexicographically larger utilities, then the smaller outcome. */
  tie(a: Leaf, b: Leaf): number {
    const wa = this.welfare(a);
    const wb = this.welfare(b);
    if (wa !== wb) return wa > wb ? 1 : -1;
    for (let p = 0; p < this.n; p++) {
      const x = a.numerators[p]!;
      const y = b.numerators[p]!;
      if (x !== y) return x > y ? 1 : -1;
    }
    for (let i = 0; i < this.m; i++) if (a.outcome[i] !== b.outcome[i]) return a.outcome[i]! < b.outcome[i]! ? 1 : -1;
    return 0;
  }
  feasible(leaf: Leaf, strict: boolean): boolean {
    for (let p = 0; p < this.n; p++) {
      const sign = this.gain(leaf, p).num;
      if (sign < 0n || (strict && sign === 0n)) return false;
    }
    return true;
  }

  tables(objective: Pick<Objective, 'steer' | 'linear'>): Tables {
    const { n, m, values, allowed } = this;
    const steer = objective.steer;
    const weighted = (issue: number, option: number) => {
      let sum = 0;
      for (let p = 0; p < n; p++) sum += steer[p]! * values[p]![issue]![option]!;
      return sum;
    };
    const spread = allowed.map((options, issue) => {
      const scores = options.map((option) => weighted(issue, option));
      return Math.max(...scores) - Math.min(...scores);
    });
    const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => spread[b]! - spread[a]! || a - b);
    const options = order.map((issue) =>
      [...allowed[issue]!].sort((a, b) => weighted(issue, b) - weighted(issue, a) || a - b),
    );
    const best = new Float64Array(n * (m + 1));
    for (let p = 0; p < n; p++)
      for (let d = m - 1; d >= 0; d--) {
        const row = values[p]![order[d]!]!;
        let top = -Infinity;
        for (const option of options[d]!) top = Math.max(top, row[option]!);
        best[p * (m + 1) + d] = best[p * (m + 1) + d + 1]! + top;
      }
    const suffix = objective.linear.map((weights) => {
      const table = new Float64Array(m + 1);
      for (let d = m - 1; d >= 0; d--) {
        let top = -Infinity;
        for (const option of options[d]!) {
          let sum = 0;
          for (let p = 0; p < n; p++) sum += weights[p]! * values[p]![order[d]!]![option]!;
          top = Math.max(top, sum);
        }
        table[d] = table[d + 1]! + top;
      }
      return table;
    });
    return { order, options, best, suffix };
  }
}

interface SearchResult {
  readonly best: Leaf | null;
  readonly bestScore: number;
  /** The largest bound left unexplored when the budget ran out (−∞ when the search finished). */
  readonly openBound: number;
  readonly stopped: boolean;
  readonly nodes: number;
}

/** The hard constraints' nogoods by the depth at which the last issue they mention is chosen (issues in `order`). */
export function nogoodsByDepth(
  constraints: CompiledConstraints,
  order: readonly number[],
): CompiledConstraints['nogoods'][number][][] {
  const position = new Int32Array(order.length);
  order.forEach((issue, depth) => (position[issue] = depth));
  const byDepth: CompiledConstraints['nogoods'][number][][] = Array.from({ length: order.length }, () => []);
  for (const nogood of constraints.nogoods)
    byDepth[Math.max(...nogood.clauses.map((clause) => position[clause.issue]!))]!.push(nogood);
  return byDepth;
}

/** Whether the options chosen in `outcome` make up one of `nogoods` (all of whose issues are chosen). */
export function completesNogood(
  nogoods: CompiledConstraints['nogoods'][number][],
  outcome: readonly number[],
): boolean {
  return (
    nogoods.length > 0 &&
    nogoods.some((nogood) => nogood.clauses.every((clause) => clause.options[outcome[clause.issue]!]))
  );
}

/**
 * A search's budget: the nodes it enters are counted and the clock read every 1,024; once the deadline
 * has passed, no node is entered and the largest bound of those left is kept (the proven gap's base).
 */
export class SearchClock {
  nodes = 0;
  stopped = false;
  openBound = -Infinity;
  constructor(private readonly budget: Budget | undefined) {}
  /** Whether the search enters a node whose bound is `bound`; when not, the bound is left open. */
  enter(bound: number): boolean {
    if (!this.stopped && ((++this.nodes & 1023) !== 0 || !this.budget || this.budget.now() < this.budget.deadline))
      return true;
    this.stopped = true;
    if (bound > this.openBound) this.openBound = bound;
    return false;
  }
  /** Whether the deadline has passed, read now (at a node where a costly step would start). */
  expired(): boolean {
    if (!this.stopped && this.budget && this.budget.now() >= this.budget.deadline) this.stopped = true;
    return this.stopped;
  }
}

/** Depth-first branch and bound for one objective. */
function search(problem: Prepared, objective: Objective, budget: Budget | undefined): SearchResult {
  const { n, m, values, constraints } = problem;
  const tables = problem.tables(objective);
  const { order, options, best: optimistic } = tables;
  const margin = objective.margin;
  const lower = problem.reservations.map((r) => r - margin);
  // Nogoods are checked at the depth of the last issue they mention.
  const nogoodsAt = nogoodsByDepth(constraints, order);
  const s = new Float64Array((m + 1) * n);
  const outcome = new Array<number>(m).fill(0);
  let best: Leaf | null = null;
  let bestScore = -Infinity;
  const clock = new SearchClock(budget);
  const levels: (Linear | null)[] = new Array<Linear | null>(m + 1).fill(null);
  const relinkDepth = objective.relink ? (objective.relinkDepth ?? 0) : 0;
  const residual: number[][] = options.map((row) => row);

  /** The relaxation re-solved at a node at depth d (issues before d chosen): its weights and suffix table. */
  const relinkAt = (d: number): Linear | null => {
    for (let e = 0; e < m; e++) residual[e] = e < d ? [outcome[order[e]!]!] : options[e]!;
    const byIssue: number[][] = new Array<number[]>(m);
    for (let e = 0; e < m; e++) byIssue[order[e]!] = residual[e]!;
    const found = objective.relink!(byIssue);
    if (!found) return null;
    const { weights, constant } = found;
    const suffix = new Float64Array(m + 1);
    for (let e = m - 1; e >= d; e--) {
      const issue = order[e]!;
      let top = -Infinity;
      for (const option of options[e]!) {
        let sum = 0;
        for (let p = 0; p < n; p++) sum += weights[p]! * values[p]![issue]![option]!;
        if (sum > top) top = sum;
      }
      suffix[e] = suffix[e + 1]! + top;
    }
    return { weights, constant, suffix };
  };

  const leaf = () => {
    const base = m * n;
    const score = objective.score(s, base);
    if (score === -Infinity || score < bestScore - margin) return;
    const candidate: Leaf = { outcome: [...outcome], numerators: problem.numerators(outcome) };
    if (!problem.feasible(candidate, objective.strict)) return;
    let better = best === null;
    if (!better) {
      const difference = compare(objective.exact(candidate), objective.exact(best!));
      better = difference > 0 || (difference === 0 && problem.tie(candidate, best!) > 0);
    }
    if (better) {
      best = candidate;
      bestScore = objective.rescore ? objective.rescore(candidate) : score;
    }
  };

  const visit = (d: number) => {
    if (d === m) return leaf();
    const issue = order[d]!;
    const base = d * n;
    const next = base + n;
    levels[d] = d > 0 ? levels[d - 1]! : null;
    if (d > 0 && d <= relinkDepth && d % 2 === 0 && !clock.stopped) {
      const linear = clock.expired() ? null : relinkAt(d);
      if (linear) {
        if (objective.bound(s, base, d, tables, linear) < bestScore - margin) return;
        levels[d] = linear;
      }
    }
    const linear = levels[d]!;
    for (const option of options[d]!) {
      outcome[issue] = option;
      if (completesNogood(nogoodsAt[d]!, outcome)) continue;
      let feasible = true;
      for (let p = 0; p < n; p++) {
        const value = s[base + p]! + values[p]![issue]![option]!;
        s[next + p] = value;
        if (value + optimistic[p * (m + 1) + d + 1]! < lower[p]!) feasible = false;
      }
      if (!feasible) continue;
      const bound = objective.bound(s, next, d + 1, tables, linear);
      if (bound < bestScore - margin) continue;
      if (clock.enter(bound)) visit(d + 1);
    }
    outcome[issue] = 0;
  };
  if (problem.allowed.every((row) => row.length > 0)) {
    if (m === 0) leaf();
    else visit(0);
  }
  // Bounds left open below the best found are no threat.
  const openBound = clock.openBound < bestScore - margin ? -Infinity : clock.openBound;
  return { best, bestScore, openBound, stopped: clock.stopped && openBound > -Infinity, nodes: clock.nodes };
}

/** The result of a search as a point; `toValue` turns a float bound into the criterion's units. */
function pointOf(
  problem: Prepared,
  objective: Objective,
  result: SearchResult,
  toValue: (bound: number) => number,
): DirectPoint {
  const { best, stopped, nodes } = result;
  if (best === null)
    return { status: stopped ? 'not-found' : 'none', outcome: null, utilities: null, value: null, gap: null, nodes };
  const leaf: Leaf = best;
  const value = objective.exact(leaf);
  let gap: Rational | null = null;
  if (stopped) {
    const upper = rationalOfDouble(toValue(result.openBound + objective.margin));
    gap = compare(upper, value) > 0 ? sub(upper, value) : ZERO;
  }
  return {
    status: stopped ? 'best-found' : 'optimal',
    outcome: leaf.outcome,
    utilities: leaf.numerators.map((_, p) => problem.utility(leaf, p)),
    value,
    gap,
    nodes,
  };
}

export interface DirectOptions {
  readonly budget?: Budget;
  /** Tuning: re-solve the max-min relaxation while at least this many issues are open (default RELINK_OPEN_ISSUES). */
  readonly relinkOpenIssues?: number;
}

/**
 * The four bargaining points of additive utility functions, searched
 * directly. `reservations`: r_i per party, exact.
 */
export function directSolutions(
  scaled: readonly ScaledAdditive[],
  constraints: CompiledConstraints,
  reservations: readonly Rational[],
  options: DirectOptions = {},
): DirectSolutions {
  const problem = new Prepared(scaled, constraints, reservations);
  const { n } = problem;
  const r = problem.reservations;
  const margin = 1e-9 * problem.scale;
  const ones = Array.from({ length: n }, () => 1);
  const outer = options.budget;
  // Each search gets an even share of what is left of the budget.
  let searchesLeft = 4 + n;
  const slice = (): Budget | undefined => {
    if (!outer) return undefined;
    const now = outer.now();
    const share = Math.max(0, outer.deadline - now) / Math.max(1, searchesLeft--);
    return { now: outer.now, deadline: now + share };
  };
  const identity = (x: number) => x;

  // Maximum welfare.
  const welfareObjective: Objective = {
    steer: ones,
    strict: false,
    margin,
    linear: [ones],
    bound: (s, base, d, t) => {
      let sum = t.suffix[0]![d]!;
      for (let p = 0; p < n; p++) sum += s[base + p]!;
      return sum;
    },
    score: (u, base) => {
      let sum = 0;
      for (let p = 0; p < n; p++) sum += u[base + p]!;
      return sum;
    },
    exact: (leaf) => problem.welfareValue(leaf),
  };
  const maxWelfare = pointOf(problem, welfareObjective, search(problem, welfareObjective, slice()), identity);

  // Max-min criteria: egalitarian (scale 1) and Kalai-Smorodinsky (scale 1/span, counted parties only).
  const maxMin = (
    counted: readonly number[],
    inverseSpan: readonly number[],
    exactRatio: (leaf: Leaf, p: number) => Rational,
  ) => {
    const coefficients = counted.map((p) => problem.values[p]!.map((row) => row.map((v) => v * inverseSpan[p]!)));
    const constants = counted.map((p) => -r[p]! * inverseSpan[p]!);
    const lambda = maxMinWeights(coefficients, constants, problem.allowed);
    const weights = Array.from({ length: n }, () => 0);
    counted.forEach((p, k) => (weights[p] = lambda[k]! * inverseSpan[p]!));
    let constant = 0;
    counted.forEach((p) => (constant -= weights[p]! * r[p]!));
    const m = problem.m;
    const objective: Objective = {
      steer: weights.some((w) => w > 0) ? weights : ones,
      strict: false,
      margin: margin * Math.max(1, ...counted.map((p) => inverseSpan[p]!)),
      linear: [weights],
      relinkDepth: m - (options.relinkOpenIssues ?? RELINK_OPEN_ISSUES),
      relink: (allowed) => {
        const lambda = maxMinWeights(coefficients, constants, allowed);
        const w = Array.from({ length: n }, () => 0);
        counted.forEach((p, k) => (w[p] = lambda[k]! * inverseSpan[p]!));
        let c = 0;
        counted.forEach((p) => (c -= w[p]! * r[p]!));
        return { weights: w, constant: c };
      },
      bound: (s, base, d, t, linear) => {
        const w = linear ? linear.weights : weights;
        let independent = Infinity;
        let lagrangian = linear ? linear.constant + linear.suffix[d]! : constant + t.suffix[0]![d]!;
        for (const p of counted) {
          const value = s[base + p]!;
          const optimistic = (value + t.best[p * (m + 1) + d]! - r[p]!) * inverseSpan[p]!;
          if (optimistic < independent) independent = optimistic;
          lagrangian += w[p]! * value;
        }
        return Math.min(independent, lagrangian);
      },
      score: (u, base) => {
        let smallest = Infinity;
        for (const p of counted) smallest = Math.min(smallest, (u[base + p]! - r[p]!) * inverseSpan[p]!);
        return smallest;
      },
      exact: (leaf) => {
        let smallest: Rational | null = null;
        for (const p of counted) {
          const value = exactRatio(leaf, p);
          if (smallest === null || compare(value, smallest) < 0) smallest = value;
        }
        return smallest ?? rational(1n);
      },
    };
    return { objective, result: search(problem, objective, slice()) };
  };
  const everyone = Array.from({ length: n }, (_, p) => p);
  const egalitarianSearch = maxMin(everyone, ones, (leaf, p) => problem.gain(leaf, p));
  const egalitarian = pointOf(problem, egalitarianSearch.objective, egalitarianSearch.result, identity);

  // The ideal point: each party's best utility over u_j ≥ r_j.
  const ideal: (Rational | null)[] = [];
  const idealStatus: PointStatus[] = [];
  for (let q = 0; q < n; q++) {
    const steer = everyone.map((p) => (p === q ? 1 : 1e-6));
    const objective: Objective = {
      steer,
      strict: false,
      margin,
      linear: [],
      bound: (s, base, d, t) => s[base + q]! + t.best[q * (problem.m + 1) + d]!,
      score: (u, base) => u[base + q]!,
      exact: (leaf) => problem.utility(leaf, q),
    };
    const point = pointOf(problem, objective, search(problem, objective, slice()), identity);
    ideal.push(point.status === 'none' ? null : point.value);
    idealStatus.push(point.status);
  }

  // Kalai-Smorodinsky.
  let kalaiSmorodinsky: DirectPoint;
  const spans = ideal.map((value, p) => (value === null ? null : sub(value, reservations[p]!)));
  const counted = everyone.filter((p) => spans[p] !== null && spans[p]!.num > 0n);
  if (ideal.some((value) => value === null)) {
    searchesLeft--;
    kalaiSmorodinsky =
      maxWelfare.status === 'none' || idealStatus.some((status) => status === 'none')
        ? { ...maxWelfare, status: 'none', outcome: null, utilities: null, value: null, gap: null }
        : { status: 'not-found', outcome: null, utilities: null, value: null, gap: null, nodes: 0 };
  } else if (counted.length === 0) {
    // Every package scores 1: the tie rule alone decides, as for maximum welfare.
    searchesLeft--;
    kalaiSmorodinsky =
      maxWelfare.value === null ? maxWelfare : { ...maxWelfare, value: rational(1n), gap: maxWelfare.gap && ZERO };
  } else if (counted.length === n && spans.every((span) => compare(span!, spans[0]!) === 0)) {
    // Equal spans over every party: the KS criterion is the egalitarian one divided by the span, same maximiser.
    searchesLeft--;
    const span = spans[0]!;
    const scaleDown = (value: Rational | null) => value && rational(value.num * span.den, value.den * span.num);
    kalaiSmorodinsky = { ...egalitarian, value: scaleDown(egalitarian.value), gap: scaleDown(egalitarian.gap) };
    if (!idealStatus.every((status) => status === 'optimal') && kalaiSmorodinsky.status === 'optimal')
      kalaiSmorodinsky = { ...kalaiSmorodinsky, status: 'best-found', gap: null };
  } else {
    const inverseSpan = everyone.map((p) => (counted.includes(p) ? 1 / toNumber(spans[p]!) : 0));
    const ks = maxMin(counted, inverseSpan, (leaf, p) => {
      const gain = problem.gain(leaf, p);
      const span = spans[p]!;
      return rational(gain.num * span.den, gain.den * span.num);
    });
    const point = pointOf(problem, ks.objective, ks.result, identity);
    // An ideal point not proved leaves the criterion itself unproved.
    kalaiSmorodinsky = idealStatus.every((status) => status === 'optimal')
      ? point
      : { ...point, status: point.outcome ? 'best-found' : 'not-found', gap: null };
  }

  // Nash, in logs.
  const nashMargin = 1e-7;
  let start: number[] | null = null;
  if (egalitarian.utilities && compare(egalitarian.value!, ZERO) > 0)
    start = egalitarian.utilities.map((u, p) => toNumber(u) - r[p]!);
  const gains = start
    ? nashTangent(
        problem.values,
        r.map((x) => -x),
        problem.allowed,
        start,
      )
    : null;
  const hat = gains ? gains.map((g) => Math.max(g, 1e-3 * problem.scale)) : null;
  const tangentWeights = hat ? hat.map((g) => 1 / g) : ones;
  let tangentConstant = 0;
  if (hat) hat.forEach((g, p) => (tangentConstant += Math.log(g) - 1 - r[p]! / g));
  const tiny = 1e-6 * problem.scale;
  const m = problem.m;
  const nashObjective: Objective = {
    steer: tangentWeights,
    strict: true,
    margin: nashMargin,
    linear: hat ? [tangentWeights] : [],
    bound: (s, base, d, t) => {
      let independent = 0;
      let usable = true;
      for (let p = 0; p < n; p++) {
        const optimistic = s[base + p]! + t.best[p * (m + 1) + d]! - r[p]!;
        if (optimistic < tiny) {
          usable = false;
          break;
        }
        independent += Math.log(optimistic);
      }
      if (!hat) return usable ? independent : Infinity;
      let tangent = tangentConstant + t.suffix[0]![d]!;
      for (let p = 0; p < n; p++) tangent += tangentWeights[p]! * s[base + p]!;
      return usable ? Math.min(independent, tangent) : tangent;
    },
    score: (u, base) => {
      let sum = 0;
      for (let p = 0; p < n; p++) {
        const gain = u[base + p]! - r[p]!;
        if (gain < -margin) return -Infinity;
        // Gains too small for logs to be trusted: let the exact comparison decide.
        if (gain < tiny) return Infinity;
        sum += Math.log(gain);
      }
      return sum;
    },
    rescore: (leaf) => {
      let sum = 0;
      for (let p = 0; p < n; p++) sum += Math.log(toNumber(problem.gain(leaf, p)));
      return sum;
    },
    exact: (leaf) => {
      let product = rational(1n);
      for (let p = 0; p < n; p++) {
        const gain = problem.gain(leaf, p);
        product = rational(product.num * gain.num, product.den * gain.den);
      }
      return product;
    },
  };
  const nashResult = search(problem, nashObjective, slice());
  // A best whose score is not a trusted log is rescored from its exact gains.
  const nash = pointOf(problem, nashObjective, nashResult, (bound) => Math.exp(bound) * (1 + 1e-12));

  const all = [maxWelfare, egalitarian, kalaiSmorodinsky, nash];
  return {
    nash,
    kalaiSmorodinsky,
    maxWelfare,
    egalitarian,
    ideal,
    idealStatus,
    complete:
      all.every((point) => point.status === 'optimal' || point.status === 'none') &&
      idealStatus.every((s) => s !== 'best-found' && s !== 'not-found'),
  };
}

/**
 * How many outcomes satisfying the hard constraints reach exactly the utility
 * numerators `target` (over each party's denominator): depth-first, pruning
 * partial packages that can no longer reach or stay within the target. Null
 * when the budget runs out first.
 */
export function countOutcomes(
  scaled: readonly ScaledAdditive[],
  constraints: CompiledConstraints,
  target: readonly bigint[],
  budget?: Budget,
): bigint | null {
  const problem = new Prepared(
    scaled,
    constraints,
    scaled.map(() => ZERO),
  );
  const { n, m, values, allowed } = problem;
  const margin = 1e-9 * problem.scale;
  const goal = target.map((num, p) => toNumber(rational(num, scaled[p]!.denominator)));
  // The issues whose options differ most first: what is left to choose then spans little, and the target
  // rules out most partial packages early.
  const spread = (issue: number) => {
    let sum = 0;
    for (let p = 0; p < n; p++) {
      const row = allowed[issue]!.map((option) => values[p]![issue]![option]!);
      sum += Math.max(...row) - Math.min(...row);
    }
    return sum;
  };
  const spreads = Array.from({ length: m }, (_, issue) => (allowed[issue]!.length > 0 ? spread(issue) : 0));
  const order = Array.from({ length: m }, (_, issue) => issue).sort((a, b) => spreads[b]! - spreads[a]! || a - b);
  const best = new Float64Array(n * (m + 1));
  const worst = new Float64Array(n * (m + 1));
  for (let p = 0; p < n; p++)
    for (let d = m - 1; d >= 0; d--) {
      const issue = order[d]!;
      const row = allowed[issue]!.map((option) => values[p]![issue]![option]!);
      best[p * (m + 1) + d] = best[p * (m + 1) + d + 1]! + Math.max(...row);
      worst[p * (m + 1) + d] = worst[p * (m + 1) + d + 1]! + Math.min(...row);
    }
  // Linear combinations of the utilities must also hit the target's: their ranges over the remaining issues
  // are narrower than the sums of the parties' ranges when parties are opposed (welfare, and signed mixtures).
  const combos = [0, 1, 2, 3].map((k) =>
    Array.from({ length: n }, (_, p) => (k === 0 ? 1 : ((p * 7 + k * 13) % 3) - 1)),
  );
  const comboGoal = combos.map((c) => c.reduce((sum, w, p) => sum + w * goal[p]!, 0));
  const comboMargin = margin * n;
  const comboBest = combos.map(() => new Float64Array(m + 1));
  const comboWorst = combos.map(() => new Float64Array(m + 1));
  combos.forEach((c, k) => {
    for (let d = m - 1; d >= 0; d--) {
      const issue = order[d]!;
      const row = allowed[issue]!.map((option) => c.reduce((sum, w, p) => sum + w * values[p]![issue]![option]!, 0));
      comboBest[k]![d] = comboBest[k]![d + 1]! + Math.max(...row);
      comboWorst[k]![d] = comboWorst[k]![d + 1]! + Math.min(...row);
    }
  });
  const comboPossible = (d: number): boolean => {
    for (let k = 0; k < combos.length; k++) {
      const c = combos[k]!;
      let value = 0;
      for (let p = 0; p < n; p++) value += c[p]! * s[d * n + p]!;
      if (value + comboBest[k]![d]! < comboGoal[k]! - comboMargin) return false;
      if (value + comboWorst[k]![d]! > comboGoal[k]! + comboMargin) return false;
    }
    return true;
  };
  // Nogoods are checked at the depth of the last issue they mention.
  const nogoodsAt = nogoodsByDepth(constraints, order);
  const s = new Float64Array((m + 1) * n);
  const outcome = new Array<number>(m).fill(0);
  let count = 0n;
  const clock = new SearchClock(budget);
  const visit = (d: number) => {
    if (clock.stopped) return;
    if (d === m) {
      const numerators = problem.numerators(outcome);
      if (numerators.every((value, p) => value === target[p])) count++;
      return;
    }
    const issue = order[d]!;
    for (const option of allowed[issue]!) {
      outcome[issue] = option;
      if (completesNogood(nogoodsAt[d]!, outcome)) continue;
      let possible = true;
      for (let p = 0; p < n && possible; p++) {
        const value = s[d * n + p]! + values[p]![issue]![option]!;
        s[(d + 1) * n + p] = value;
        if (value + best[p * (m + 1) + d + 1]! < goal[p]! - margin) possible = false;
        if (value + worst[p * (m + 1) + d + 1]! > goal[p]! + margin) possible = false;
      }
      if (!possible || !comboPossible(d + 1)) continue;
      if (!clock.enter(0)) return;
      visit(d + 1);
    }
  };
  if (allowed.every((row) => row.length > 0)) visit(0);
  return clock.stopped ? null : count;
}

/**
 * The package maximising Σ_p w_p u_p (integer weights w_p ≥ 0, not all zero) over the outcomes that keep every
 * hard constraint, ties by the engine's rule (larger Σ u_p, then the lexicographically larger utility vector, then
 * the smaller outcome); null when no outcome keeps the constraints or the budget ran out before the search was
 * proved (`stopped`).
 *
 * Such a maximiser x is Pareto-optimal among those outcomes. Suppose y dominates x: u_p(y) ≥ u_p(x) for every p
 * and u_q(y) > u_q(x) for some q. Then Σ w_p u_p(y) ≥ Σ w_p u_p(x) as every w_p ≥ 0, so y is also a maximiser (x
 * is one), and Σ u_p(y) > Σ u_p(x): the tie rule prefers y, so x was not the answer. (With every w_p > 0 the
 * weighted sum alone already tells them apart; the tie rule covers zero weights, such as a party's best.)
 */
export function weightedWelfarePackage(
  scaled: readonly ScaledAdditive[],
  constraints: CompiledConstraints,
  weights: readonly number[],
  budget?: Budget,
): { outcome: number[]; numerators: bigint[]; stopped: false } | { outcome: null; stopped: boolean } {
  if (
    weights.length !== scaled.length ||
    weights.some((w) => !Number.isInteger(w) || w < 0) ||
    !weights.some((w) => w > 0)
  )
    throw new RangeError('weighted welfare needs one non-negative integer weight per party, not all zero');
  if (constraints.allowed.some((row) => !row.some(Boolean))) return { outcome: null, stopped: false };
  // Reservations below every package: no package is excluded by them.
  const floor = scaled.map((party) => belowEvery(party, constraints));
  const problem = new Prepared(scaled, constraints, floor);
  const { n } = problem;
  const integer = weights.map(BigInt);
  const objective: Objective = {
    steer: weights.map((w) => w + 1e-6),
    strict: false,
    margin: 1e-9 * problem.scale * Math.max(...weights),
    linear: [weights],
    bound: (s, base, d, t) => {
      let sum = t.suffix[0]![d]!;
      for (let p = 0; p < n; p++) sum += weights[p]! * s[base + p]!;
      return sum;
    },
    score: (u, base) => {
      let sum = 0;
      for (let p = 0; p < n; p++) sum += weights[p]! * u[base + p]!;
      return sum;
    },
    exact: (leaf) =>
      leaf.numerators.reduce<Rational>((sum, value, p) => {
        const u = problem.utility(leaf, p);
        return add(sum, rational(u.num * integer[p]!, u.den));
      }, ZERO),
  };
  const result = search(problem, objective, budget);
  if (result.stopped || result.best === null) return { outcome: null, stopped: result.stopped };
  const best: Leaf = result.best;
  return { outcome: best.outcome, numerators: best.numerators, stopped: false };
}

/**
 * Whether some outcome keeps every hard constraint and gives each party with a reservation value (null: none
 * required) at least that value: the maximum-welfare search over those packages (a separable bound, so quick),
 * exact as directSolutions' maximum welfare. Null when the budget ran out first.
 */
export function feasiblePackage(
  scaled: readonly ScaledAdditive[],
  constraints: CompiledConstraints,
  reservations: readonly (Rational | null)[],
  budget?: Budget,
): boolean | null {
  if (constraints.allowed.some((row) => !row.some(Boolean))) return false;
  const floor = scaled.map((party, p) => reservations[p] ?? belowEvery(party, constraints));
  const problem = new Prepared(scaled, constraints, floor);
  const { n } = problem;
  const ones = Array.from({ length: n }, () => 1);
  const objective: Objective = {
    steer: ones,
    strict: false,
    margin: 1e-9 * problem.scale,
    linear: [ones],
    bound: (s, base, d, t) => {
      let sum = t.suffix[0]![d]!;
      for (let p = 0; p < n; p++) sum += s[base + p]!;
      return sum;
    },
    score: (u, base) => {
      let sum = 0;
      for (let p = 0; p < n; p++) sum += u[base + p]!;
      return sum;
    },
    exact: (leaf) => problem.welfareValue(leaf),
  };
  const result = search(problem, objective, budget);
  if (result.best !== null) return true;
  return result.stopped ? null : false;
}

/** A utility below every package's for a party (its worst over the allowed options, minus 1); every issue has an allowed option. */
function belowEvery(party: ScaledAdditive, constraints: CompiledConstraints): Rational {
  const worst = party.numerators.reduce(
    (sum, row, issue) =>
      sum +
      row.reduce<bigint | null>(
        (low, value, option) => (constraints.allowed[issue]![option] && (low === null || value < low) ? value : low),
        null,
      )!,
    0n,
  );
  return sub(rational(worst, party.denominator), rational(1n));
}
