import type { ParetoFrontier } from './frontier.ts';
import { compare, lcm, rational, type Rational } from './rational.ts';

/**
 * Bargaining solutions on a Pareto frontier, decided in exact arithmetic.
 *
 * Every solution is taken from the frontier, which loses nothing:
 * - Nash (max Π (u_i − r_i) over u_i > r_i) and maximum social welfare (max Σ u_i
 *   over u_i ≥ r_i): an outcome dominated by another has a strictly smaller
 *   product (all factors positive) or sum, so every maximiser is Pareto-optimal.
 * - Egalitarian (max min_i (u_i − r_i) over u_i ≥ r_i): a maximiser may be
 *   dominated, but then its dominator is a maximiser too; with the tie rule
 *   below (larger welfare first) the chosen one is always Pareto-optimal.
 * - Kalai-Smorodinsky is defined on Pareto-optimal outcomes, and each ideal
 *   utility I_i (best u_i over u_j ≥ r_j for all j) is reached on the frontier.
 *
 * Tie rule, the same for every solution: among outcomes equally good on the
 * solution's criterion, the larger sum of utilities wins, then the
 * lexicographically larger utility vector (party 1 first), then the
 * lexicographically smaller outcome (the representative of that vector).
 */
export interface BargainingSolutions {
  /** Frontier indices, or null when no outcome qualifies. */
  readonly nash: number | null;
  readonly kalaiSmorodinsky: number | null;
  readonly maxWelfare: number | null;
  readonly egalitarian: number | null;
  /** Frontier indices where every party reaches at least its reservation value. */
  readonly individuallyRational: readonly number[];
  /** I_i: each party's best utility among individually rational outcomes (null when there is none). */
  readonly ideal: readonly (Rational | null)[];
}

/** Exact numerators of frontier vectors, computed once per vector. */
export class ExactVectors {
  private readonly cache = new Map<number, bigint[]>();
  constructor(readonly frontier: ParetoFrontier) {}
  get(index: number): bigint[] {
    let vector = this.cache.get(index);
    if (!vector) {
      vector = Array.from({ length: this.frontier.parties }, (_, p) => this.frontier.exactNumerator(index, p));
      this.cache.set(index, vector);
    }
    return vector;
  }
  utility(index: number, party: number): Rational {
    return rational(this.get(index)[party]!, this.frontier.scaled[party]!.denominator);
  }
}

const SLACK = 1e-9;

/** The float utility of a frontier vector (for screening only; decisions are exact). */
export function floatUtility(frontier: ParetoFrontier, index: number, party: number): number {
  return frontier.numerators[index * frontier.parties + party]! / frontier.scaled[party]!.denominatorAsNumber;
}

/**
 * Picks the best index by an exact comparison, after screening by a float
 * score: only indices whose score is within SLACK of the best score are
 * compared exactly (float errors are many orders of magnitude below SLACK).
 */
function bestOf(
  indices: readonly number[],
  score: (index: number) => number,
  exactCompare: (a: number, b: number) => number,
): number | null {
  if (indices.length === 0) return null;
  let top = -Infinity;
  for (const index of indices) top = Math.max(top, score(index));
  const margin = SLACK * Math.max(1, Math.abs(top));
  let best: number | null = null;
  for (const index of indices) {
    if (score(index) < top - margin) continue;
    if (best === null || exactCompare(index, best) > 0) best = index;
  }
  return best;
}

/** Computes Nash, Kalai-Smorodinsky, maximum welfare and egalitarian points for reservation values `reservations`. */
export function bargainingSolutions(frontier: ParetoFrontier, reservations: readonly Rational[]): BargainingSolutions {
  const n = frontier.parties;
  const exact = new ExactVectors(frontier);
  const denominators = frontier.scaled.map((party) => party.denominator);
  const reservationFloat = reservations.map((r) => Number(r.num) / Number(r.den));
  // Gain numerator over denominator D_p × den(r_p): N × den(r) − num(r) × D.
  const gain = (index: number, p: number): bigint =>
    exact.get(index)[p]! * reservations[p]!.den - reservations[p]!.num * denominators[p]!;
  const gainRational = (index: number, p: number): Rational =>
    rational(gain(index, p), denominators[p]! * reservations[p]!.den);
  const floatGain = (index: number, p: number) => floatUtility(frontier, index, p) - reservationFloat[p]!;

  /** Sign of the gain, exact when it is near zero. */
  const gainSign = (index: number, p: number): number => {
    const g = floatGain(index, p);
    if (g > SLACK) return 1;
    if (g < -SLACK) return -1;
    const exactGain = gain(index, p);
    return exactGain > 0n ? 1 : exactGain < 0n ? -1 : 0;
  };

  const acceptable: number[] = [];
  const gaining: number[] = [];
  for (let index = 0; index < frontier.size; index++) {
    let weak = true;
    let strict = true;
    for (let p = 0; p < n && weak; p++) {
      const sign = gainSign(index, p);
      if (sign < 0) weak = false;
      if (sign <= 0) strict = false;
    }
    if (weak) acceptable.push(index);
    if (weak && strict) gaining.push(index);
  }

  const commonDenominator = denominators.reduce(lcm, 1n);
  const welfareNumerator = (index: number) =>
    exact.get(index).reduce((sum, value, p) => sum + value * (commonDenominator / denominators[p]!), 0n);
  const floatWelfare = (index: number) => {
    let sum = 0;
    for (let p = 0; p < n; p++) sum += floatUtility(frontier, index, p);
    return sum;
  };
  /** The tie rule: larger welfare, then lexicographically larger utilities (smaller frontier index). */
  const tieBreak = (a: number, b: number): number => {
    const wa = welfareNumerator(a);
    const wb = welfareNumerator(b);
    if (wa !== wb) return wa > wb ? 1 : -1;
    return a < b ? 1 : a > b ? -1 : 0;
  };
  const withTies = (primary: (a: number, b: number) => number) => (a: number, b: number) =>
    primary(a, b) || tieBreak(a, b);

  const maxWelfare = bestOf(acceptable, floatWelfare, tieBreak);

  const nash = bestOf(
    gaining,
    (index) => {
      let product = 1;
      for (let p = 0; p < n; p++) product *= floatGain(index, p);
      return product;
    },
    withTies((a, b) => {
      let pa = 1n;
      let pb = 1n;
      for (let p = 0; p < n; p++) {
        pa *= gain(a, p);
        pb *= gain(b, p);
      }
      return pa > pb ? 1 : pa < pb ? -1 : 0;
    }),
  );

  const minGain = (index: number): Rational => {
    let smallest = gainRational(index, 0);
    for (let p = 1; p < n; p++) {
      const g = gainRational(index, p);
      if (compare(g, smallest) < 0) smallest = g;
    }
    return smallest;
  };
  const egalitarian = bestOf(
    acceptable,
    (index) => Math.min(...Array.from({ length: n }, (_, p) => floatGain(index, p))),
    withTies((a, b) => compare(minGain(a), minGain(b))),
  );

  // Ideal point over the individually rational outcomes.
  const ideal: (Rational | null)[] = [];
  const idealIndex: (number | null)[] = [];
  for (let p = 0; p < n; p++) {
    const top = bestOf(
      acceptable,
      (index) => floatUtility(frontier, index, p),
      (a, b) => {
        const ea = exact.get(a)[p]!;
        const eb = exact.get(b)[p]!;
        return ea > eb ? 1 : ea < eb ? -1 : 0;
      },
    );
    idealIndex.push(top);
    ideal.push(top === null ? null : exact.utility(top, p));
  }
  // Ratio (u_p − r_p) / (I_p − r_p); parties whose ideal equals their reservation value gain nothing anywhere and are left out.
  const spans = ideal.map((value, p) =>
    value === null
      ? null
      : rational(value.num * reservations[p]!.den - reservations[p]!.num * value.den, value.den * reservations[p]!.den),
  );
  const counted = spans.flatMap((span, p) => (span !== null && span.num > 0n ? [p] : []));
  const minRatio = (index: number): Rational => {
    let smallest: Rational | null = null;
    for (const p of counted) {
      const g = gainRational(index, p);
      const span = spans[p]!;
      const ratio = rational(g.num * span.den, g.den * span.num);
      if (smallest === null || compare(ratio, smallest) < 0) smallest = ratio;
    }
    return smallest ?? rational(1n);
  };
  const floatSpans = spans.map((span) => (span === null ? 0 : Number(span.num) / Number(span.den)));
  const kalaiSmorodinsky = bestOf(
    acceptable,
    (index) => (counted.length === 0 ? 1 : Math.min(...counted.map((p) => floatGain(index, p) / floatSpans[p]!))),
    withTies((a, b) => compare(minRatio(a), minRatio(b))),
  );

  return { nash, kalaiSmorodinsky, maxWelfare, egalitarian, individuallyRational: acceptable, ideal };
}
