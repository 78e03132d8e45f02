/**
 * Relaxations that guide the direct search for bargaining points (bargain.ts):
 * a small dense simplex for the linear relaxation of max-min problems, whose
 * dual values weight the parties in a Lagrangian bound, and Frank-Wolfe on the
 * continuous Nash problem, whose gains give the tangent of the log-product.
 *
 * Everything here is floating point and only steers the search: any
 * non-negative weights give a valid bound, so an imprecise answer costs speed,
 * never correctness. What the search claims is decided exactly (bargain.ts).
 */
import { rational, type Rational } from './rational.ts';

/**
 * max c·x subject to A x ≤ b, x ≥ 0, with b ≥ 0 (the origin is feasible).
 * Returns the duals of the rows (the objective row's slack coefficients).
 * Bland's rule, so it terminates; an iteration cap guards against float trouble.
 */
export function simplexMax(
  A: readonly ArrayLike<number>[],
  b: number[],
  c: number[],
): { value: number; duals: number[] } {
  const rows = A.length;
  const cols = c.length;
  const width = cols + rows + 1;
  const t: Float64Array[] = A.map((row, r) => {
    const line = new Float64Array(width);
    for (let j = 0; j < row.length; j++) line[j] = row[j]!;
    line[cols + r] = 1;
    line[width - 1] = b[r]!;
    return line;
  });
  const objective = new Float64Array(width);
  c.forEach((value, j) => (objective[j] = -value));
  const basis = Array.from({ length: rows }, (_, r) => cols + r);
  const EPS = 1e-12;
  for (let iteration = 0; iteration < 20_000; iteration++) {
    // Dantzig's rule (most negative reduced cost), Bland's after many iterations (anti-cycling).
    let enter = -1;
    if (iteration < 5_000) {
      let most = -EPS;
      for (let j = 0; j < width - 1; j++)
        if (objective[j]! < most) {
          most = objective[j]!;
          enter = j;
        }
    } else
      for (let j = 0; j < width - 1; j++)
        if (objective[j]! < -EPS) {
          enter = j;
          break;
        }
    if (enter < 0) break;
    let leave = -1;
    let ratio = Infinity;
    for (let r = 0; r < rows; r++) {
      const a = t[r]![enter]!;
      if (a > EPS) {
        const q = t[r]![width - 1]! / a;
        if (q < ratio - EPS || (Math.abs(q - ratio) <= EPS && leave >= 0 && basis[r]! < basis[leave]!)) {
          ratio = q;
          leave = r;
        }
      }
    }
    if (leave < 0) break; // unbounded: cannot happen for the relaxations built here
    const pivot = t[leave]!;
    const scale = pivot[enter]!;
    for (let j = 0; j < width; j++) pivot[j]! /= scale;
    for (let r = 0; r < rows; r++) {
      if (r === leave) continue;
      const factor = t[r]![enter]!;
      if (factor !== 0) for (let j = 0; j < width; j++) t[r]![j]! -= factor * pivot[j]!;
    }
    const factor = objective[enter]!;
    for (let j = 0; j < width; j++) objective[j]! -= factor * pivot[j]!;
    basis[leave] = enter;
  }
  return { value: objective[width - 1]!, duals: Array.from({ length: rows }, (_, r) => objective[cols + r]!) };
}

/**
 * Weights λ (summing to 1) for the Lagrangian bound of max over outcomes of
 * min_p f_p, where f_p = Σ_i coefficients[p][i][option] + constant[p]: the
 * duals of the linear relaxation (each issue's choice relaxed to a mixture of
 * its allowed options).
 */
export function maxMinWeights(
  coefficients: readonly (readonly Float64Array[])[],
  constants: readonly number[],
  allowed: readonly (readonly number[])[],
): number[] {
  const n = coefficients.length;
  let count = 0;
  const firstColumn: number[] = [];
  for (const options of allowed) {
    firstColumn.push(1 + count);
    count += Math.max(0, options.length - 1);
  }
  const width = 1 + count;
  const rhs = coefficients.map(
    (rows, p) => allowed.reduce((sum, options, issue) => sum + rows[issue]![options[0]!]!, 0) + constants[p]!,
  );
  const shift = Math.max(0, ...rhs.map((value) => -value)) + 1;
  const A: Float64Array[] = [];
  const b: number[] = [];
  for (let p = 0; p < n; p++) {
    const rows = coefficients[p]!;
    const line = new Float64Array(width);
    line[0] = 1;
    allowed.forEach((options, issue) => {
      const row = rows[issue]!;
      const base = row[options[0]!]!;
      for (let k = 1; k < options.length; k++) line[firstColumn[issue]! + k - 1] = -(row[options[k]!]! - base);
    });
    A.push(line);
    b.push(rhs[p]! + shift);
  }
  allowed.forEach((options, issue) => {
    if (options.length < 2) return;
    const line = new Float64Array(width);
    for (let k = 1; k < options.length; k++) line[firstColumn[issue]! + k - 1] = 1;
    A.push(line);
    b.push(1);
  });
  const c = Array.from({ length: width }, (_, j) => (j === 0 ? 1 : 0));
  const { duals } = simplexMax(A, b, c);
  const weights = duals.slice(0, n).map((value) => Math.max(0, value));
  const total = weights.reduce((a, x) => a + x, 0);
  return total > 0 && Number.isFinite(total) ? weights.map((w) => w / total) : weights.map(() => 1 / n);
}

/**
 * Gains near the maximum of Σ_p log g_p over mixtures of outcomes (Frank-Wolfe
 * in the space of gain vectors; the linear step is separable over issues).
 * `start` must have every gain positive. Returns the gains reached.
 */
export function nashTangent(
  values: readonly (readonly Float64Array[])[],
  offsets: readonly number[],
  allowed: readonly (readonly number[])[],
  start: readonly number[],
  iterations = 200,
): number[] {
  const n = values.length;
  let g = [...start];
  const vertex = new Array<number>(n);
  for (let iteration = 0; iteration < iterations; iteration++) {
    vertex.fill(0);
    allowed.forEach((options, issue) => {
      let best = options[0]!;
      let bestValue = -Infinity;
      for (const option of options) {
        let value = 0;
        for (let p = 0; p < n; p++) value += values[p]![issue]![option]! / g[p]!;
        if (value > bestValue) {
          bestValue = value;
          best = option;
        }
      }
      for (let p = 0; p < n; p++) vertex[p]! += values[p]![issue]![best]!;
    });
    const direction = vertex.map((v, p) => v + offsets[p]! - g[p]!);
    // φ'(t) = Σ d_p / (g_p + t d_p), decreasing: bisect for its zero on [0, 1].
    const slope = (t: number) => direction.reduce((sum, d, p) => sum + d / (g[p]! + t * d), 0);
    if (slope(0) <= 1e-15) break;
    let lo = 0;
    let hi = 1;
    const positive = (t: number) => direction.every((d, p) => g[p]! + t * d > 0);
    if (positive(1) && slope(1) >= 0) lo = 1;
    else {
      for (let k = 0; k < 50; k++) {
        const mid = (lo + hi) / 2;
        if (positive(mid) && slope(mid) > 0) lo = mid;
        else hi = mid;
      }
    }
    g = g.map((value, p) => value + lo * direction[p]!);
  }
  return g;
}

/** The exact value of a double as a rational. */
export function rationalOfDouble(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  let exponent = 0;
  while (!Number.isInteger(x) && exponent < 1100) {
    x *= 2;
    exponent++;
  }
  return rational(BigInt(x), 2n ** BigInt(exponent));
}

/**
 * Multipliers μ ≥ 0 (μ_q = 0) for the Lagrangian bound of max u_q − d_q over the packages with u_p ≥ d_p for
 * every p: the duals of the linear relaxation, each issue's choice relaxed to a mixture of its allowed options
 * and the draft's option (the origin of the relaxation, so it is feasible). Every improvement then has
 * u_q − d_q ≤ Σ_p w_p (u_p − d_p), w = μ + e_q, separable over the issues.
 */
export function partyGainWeights(
  values: readonly (readonly Float64Array[])[],
  draft: readonly number[],
  allowed: readonly (readonly number[])[],
  q: number,
): number[] {
  const n = values.length;
  const columns: { issue: number; option: number }[] = [];
  allowed.forEach((options, issue) => {
    for (const option of options) if (option !== draft[issue]) columns.push({ issue, option });
  });
  const delta = (p: number, column: { issue: number; option: number }) =>
    values[p]![column.issue]![column.option]! - values[p]![column.issue]![draft[column.issue]!]!;
  const A: Float64Array[] = [];
  const b: number[] = [];
  const parties: number[] = [];
  for (let p = 0; p < n; p++) {
    if (p === q) continue;
    A.push(Float64Array.from(columns, (column) => -delta(p, column)));
    b.push(0);
    parties.push(p);
  }
  allowed.forEach((_, issue) => {
    A.push(Float64Array.from(columns, (column) => (column.issue === issue ? 1 : 0)));
    b.push(1);
  });
  const { duals } = simplexMax(
    A,
    b,
    columns.map((column) => delta(q, column)),
  );
  const weights = Array.from({ length: n }, (_, p): number => (p === q ? 1 : 0));
  parties.forEach((p, row) => (weights[p] = Number.isFinite(duals[row]!) ? Math.max(0, duals[row]!) : 0));
  return weights;
}
