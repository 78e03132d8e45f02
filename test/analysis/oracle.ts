// Brute force, written independently of src/analysis's engines: every outcome is
// enumerated, every utility is an exact BigInt numerator over a per-party common
// denominator, and every answer is taken straight from its definition over all
// feasible outcomes (not from the frontier).
import type { NegotiationProblem, Rational } from '../../src/analysis/index.ts';

export interface OracleVector {
  /** Exact numerators over `denominators[p]`. */
  readonly numerators: bigint[];
  count: bigint;
  representative: number[];
}

export interface OracleResult {
  readonly denominators: bigint[];
  readonly feasible: bigint;
  /** Distinct utility vectors of all feasible outcomes. */
  readonly vectors: OracleVector[];
  /** The Pareto-optimal ones, in no particular order. */
  readonly frontier: OracleVector[];
  readonly nash: OracleVector | null;
  readonly kalaiSmorodinsky: OracleVector | null;
  readonly maxWelfare: OracleVector | null;
  readonly egalitarian: OracleVector | null;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Per party: numerator tables over one denominator, for additive or hyper-rectangle utilities. */
function tables(problem: NegotiationProblem) {
  return problem.parties.map((party) => {
    const u = party.utility;
    if (u.kind === 'additive') {
      const terms = u.evaluations.map((row, i) =>
        row.map((e) => ({ num: u.weights[i]!.num * e.num, den: u.weights[i]!.den * e.den })),
      );
      const denominator = terms.flat().reduce((d, t) => (d * t.den) / gcd(d, t.den), 1n);
      const table = terms.map((row) => row.map((t) => (t.num * denominator) / t.den));
      return { denominator, value: (outcome: number[]) => outcome.reduce((s, o, i) => s + table[i]![o]!, 0n) };
    }
    const terms = u.rectangles.map((r) => ({
      num: u.weight.num * r.utility.num * u.maxUtility.den,
      den: u.weight.den * r.utility.den * u.maxUtility.num,
    }));
    const denominator = terms.reduce((d, t) => (d * t.den) / gcd(d, t.den), 1n);
    const sets = u.rectangles.map((r) => r.conditions.map((c) => ({ issue: c.issue, options: new Set(c.options) })));
    const values = terms.map((t) => (t.num * denominator) / t.den);
    return {
      denominator,
      value: (outcome: number[]) =>
        sets.reduce((s, conds, r) => (conds.every((c) => c.options.has(outcome[c.issue]!)) ? s + values[r]! : s), 0n),
    };
  });
}

export function isFeasible(problem: NegotiationProblem, outcome: readonly number[]): boolean {
  if ((problem.redLines ?? []).some((r) => outcome[r.issue] === r.option)) return false;
  return !(problem.constraints ?? []).some((c) =>
    c.forbids.every((clause) => clause.options.includes(outcome[clause.issue]!)),
  );
}

/** Brute-force answers for a problem and reservation values. */
export function bruteForce(
  problem: NegotiationProblem,
  reservations: readonly Rational[] = problem.parties.map((p) => p.reservation),
): OracleResult {
  const parties = tables(problem);
  const n = parties.length;
  const denominators = parties.map((p) => p.denominator);
  const sizes = problem.space.issues.map((issue) => issue.options.length);
  const byKey = new Map<string, OracleVector>();
  let feasible = 0n;
  const outcome = sizes.map(() => 0);
  for (;;) {
    if (isFeasible(problem, outcome)) {
      feasible++;
      const numerators = parties.map((p) => p.value(outcome));
      const key = numerators.join(',');
      const existing = byKey.get(key);
      // Outcomes are visited in lexicographic order, so the first one is the smallest.
      if (existing) existing.count++;
      else byKey.set(key, { numerators, count: 1n, representative: [...outcome] });
    }
    let i = sizes.length - 1;
    while (i >= 0 && ++outcome[i]! === sizes[i]) outcome[i--] = 0;
    if (i < 0) break;
  }
  const vectors = [...byKey.values()];

  // Float copies screen out pairs that clearly do not dominate; decisions stay exact.
  const floats = vectors.map((v) => v.numerators.map((x, p) => Number(x) / Number(denominators[p]!)));
  const order = vectors
    .map((_, i) => i)
    .sort((a, b) => floats[b]!.reduce((s, x) => s + x, 0) - floats[a]!.reduce((s, x) => s + x, 0));
  const dominates = (a: number, b: number): boolean => {
    const fa = floats[a]!;
    const fb = floats[b]!;
    for (let p = 0; p < n; p++) if (fa[p]! < fb[p]! - 1e-9) return false;
    let strict = false;
    for (let p = 0; p < n; p++) {
      const x = vectors[a]!.numerators[p]!;
      const y = vectors[b]!.numerators[p]!;
      if (x < y) return false;
      if (x > y) strict = true;
    }
    return strict;
  };
  // A dominator has a larger sum, so it comes earlier in `order`; dominance is transitive,
  // so checking against the undominated ones seen so far is enough.
  const frontierIndices: number[] = [];
  for (const i of order) if (!frontierIndices.some((j) => dominates(j, i))) frontierIndices.push(i);
  // Float sums may misorder vectors whose sums differ by a rounding step: a second pass removes any survivor dominated by another.
  const frontier = frontierIndices.filter((i) => !frontierIndices.some((j) => dominates(j, i))).map((i) => vectors[i]!);

  // Gains as exact rationals: (N·b − a·D) / (D·b).
  const gain = (v: OracleVector, p: number) => ({
    num: v.numerators[p]! * reservations[p]!.den - reservations[p]!.num * denominators[p]!,
    den: denominators[p]! * reservations[p]!.den,
  });
  const cmp = (x: { num: bigint; den: bigint }, y: { num: bigint; den: bigint }) => {
    const l = x.num * y.den;
    const r = y.num * x.den;
    return l < r ? -1 : l > r ? 1 : 0;
  };
  const common = denominators.reduce((d, x) => (d * x) / gcd(d, x), 1n);
  const welfare = (v: OracleVector) => v.numerators.reduce((s, x, p) => s + x * (common / denominators[p]!), 0n);
  const utilityCmp = (a: OracleVector, b: OracleVector, p: number) =>
    a.numerators[p]! < b.numerators[p]! ? -1 : a.numerators[p]! > b.numerators[p]! ? 1 : 0;
  // Tie rule: larger welfare, then lexicographically larger utility vector.
  const tie = (a: OracleVector, b: OracleVector) => {
    const wa = welfare(a);
    const wb = welfare(b);
    if (wa !== wb) return wa > wb ? 1 : -1;
    for (let p = 0; p < n; p++) {
      const s = utilityCmp(a, b, p);
      if (s) return s;
    }
    return 0;
  };
  const argmax = (pool: OracleVector[], better: (a: OracleVector, b: OracleVector) => number) =>
    pool.reduce<OracleVector | null>(
      (best, v) => (best === null || (better(v, best) || tie(v, best)) > 0 ? v : best),
      null,
    );

  const rational = vectors.filter((v) => parties.every((_, p) => gain(v, p).num >= 0n));
  const gaining = vectors.filter((v) => parties.every((_, p) => gain(v, p).num > 0n));
  const product = (v: OracleVector) => parties.reduce((s, _, p) => s * gain(v, p).num, 1n); // common positive denominator
  const nash = argmax(gaining, (a, b) => (product(a) > product(b) ? 1 : product(a) < product(b) ? -1 : 0));
  const maxWelfare = argmax(rational, () => 0);
  const minGain = (v: OracleVector) => parties.map((_, p) => gain(v, p)).reduce((m, g) => (cmp(g, m) < 0 ? g : m));
  const egalitarian = argmax(rational, (a, b) => cmp(minGain(a), minGain(b)));
  const ideal = parties.map((_, p) =>
    rational.reduce<OracleVector | null>((best, v) => (best === null || utilityCmp(v, best, p) > 0 ? v : best), null),
  );
  const spans = ideal.map((v, p) => (v ? gain(v, p) : null));
  const counted = parties.map((_, p) => p).filter((p) => spans[p] !== null && spans[p]!.num > 0n);
  const ratio = (v: OracleVector) =>
    counted
      .map((p) => ({ num: gain(v, p).num * spans[p]!.den, den: gain(v, p).den * spans[p]!.num }))
      .reduce((m, r) => (cmp(r, m) < 0 ? r : m), { num: 1n, den: 1n });
  const paretoRational = frontier.filter((v) => rational.includes(v));
  const kalaiSmorodinsky = argmax(paretoRational, (a, b) => cmp(ratio(a), ratio(b)));
  return { denominators, feasible, vectors, frontier, nash, kalaiSmorodinsky, maxWelfare, egalitarian };
}
