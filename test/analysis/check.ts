// Assertions shared by the analysis tests: an engine's answers against brute force.
import assert from 'node:assert/strict';
import {
  analyzeNegotiation,
  type AgreementPoint,
  type FrontierStrategy,
  type NegotiationAnalysis,
  type NegotiationProblem,
  type Rational,
} from '../../src/analysis/index.ts';
import { bruteForce, type OracleResult, type OracleVector } from './oracle.ts';

const key = (utilities: readonly Rational[]) => utilities.map((u) => `${u.num}/${u.den}`).join(' ');

function reduced(num: bigint, den: bigint): Rational {
  let a = num < 0n ? -num : num;
  let b = den;
  while (b) [a, b] = [b, a % b];
  return a > 1n ? { num: num / a, den: den / a } : { num, den };
}

export function oracleUtilities(oracle: OracleResult, vector: OracleVector): Rational[] {
  return vector.numerators.map((n, p) => reduced(n, oracle.denominators[p]!));
}

function assertPoint(
  label: string,
  actual: AgreementPoint | null,
  expected: OracleVector | null,
  oracle: OracleResult,
): void {
  if (expected === null) {
    assert.equal(actual, null, `${label}: expected no point`);
    return;
  }
  assert.ok(actual, `${label}: expected a point`);
  assert.equal(key(actual.utilities), key(oracleUtilities(oracle, expected)), `${label}: utilities`);
  assert.deepEqual(actual.outcome, expected.representative, `${label}: representative outcome`);
  assert.equal(BigInt(actual.count ?? -1), expected.count, `${label}: count`);
}

/** The frontier (as distinct vectors with counts and representatives) and the four points equal brute force exactly. */
export function assertMatchesBruteForce(analysis: NegotiationAnalysis, oracle: OracleResult, label: string): void {
  const frontier = analysis.frontier!;
  const actual = new Map<string, { count: bigint; representative: number[] }>();
  for (let i = 0; i < frontier.size; i++) {
    const utilities = Array.from({ length: frontier.parties }, (_, p) =>
      reduced(frontier.exactNumerator(i, p), frontier.scaled[p]!.denominator),
    );
    actual.set(key(utilities), { count: BigInt(frontier.counts[i]!), representative: frontier.representative(i) });
  }
  assert.equal(actual.size, frontier.size, `${label}: frontier vectors are distinct`);
  const expected = new Map(oracle.frontier.map((v) => [key(oracleUtilities(oracle, v)), v]));
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `${label}: frontier vectors`);
  for (const [k, v] of expected) {
    assert.equal(actual.get(k)!.count, v.count, `${label}: outcomes sharing ${k}`);
    assert.deepEqual(actual.get(k)!.representative, v.representative, `${label}: representative of ${k}`);
  }
  assertPoint(`${label} Nash`, analysis.nash, oracle.nash, oracle);
  assertPoint(`${label} Kalai-Smorodinsky`, analysis.kalaiSmorodinsky, oracle.kalaiSmorodinsky, oracle);
  assertPoint(`${label} max welfare`, analysis.maxWelfare, oracle.maxWelfare, oracle);
  assertPoint(`${label} egalitarian`, analysis.egalitarian, oracle.egalitarian, oracle);
  // Each party's best and worst utility over the feasible outcomes.
  analysis.parties.forEach((party, p) => {
    const values = oracle.vectors.map((v) => v.numerators[p]!);
    const best = values.reduce((a, b) => (b > a ? b : a), values[0] ?? 0n);
    const worst = values.reduce((a, b) => (b < a ? b : a), values[0] ?? 0n);
    assert.deepEqual(
      party.maxUtility,
      values.length ? reduced(best, oracle.denominators[p]!) : null,
      `${label}: party ${p} max utility`,
    );
    assert.deepEqual(
      party.minUtility,
      values.length ? reduced(worst, oracle.denominators[p]!) : null,
      `${label}: party ${p} min utility`,
    );
  });
  const anyRational = oracle.maxWelfare !== null;
  assert.equal(analysis.agreement.possible, anyRational, `${label}: zone of possible agreement`);
}

/** Runs the given strategies on a problem and checks each against one brute-force run. */
export function checkProblem(
  problem: NegotiationProblem,
  strategies: readonly FrontierStrategy[],
  label: string,
  reservations?: readonly Rational[],
): OracleResult {
  const oracle = bruteForce(problem, reservations);
  for (const strategy of strategies) {
    const analysis = analyzeNegotiation(problem, { strategy, ...(reservations ? { reservations } : {}) });
    assertMatchesBruteForce(analysis, oracle, `${label} [${strategy}]`);
  }
  return oracle;
}

type JsonPoint = { utilities: number[] } | null;

/** `parley analyze --json` output against brute force: the frontier as a set of utility vectors and the four points, to 1e-9. */
export function assertJsonMatches(
  json: Record<string, unknown> & { pareto: { utilities: number[]; count: string }[] },
  oracle: OracleResult,
  label: string,
): void {
  const toFloats = (v: OracleVector) => oracleUtilities(oracle, v).map((u) => Number(u.num) / Number(u.den));
  const expected = oracle.frontier
    .map(toFloats)
    .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || (a[2] ?? 0) - (b[2] ?? 0));
  const actual = json.pareto
    .map((point) => point.utilities)
    .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || (a[2] ?? 0) - (b[2] ?? 0));
  assert.equal(actual.length, expected.length, `${label}: frontier size`);
  actual.forEach((vector, i) =>
    vector.forEach((u, p) => assert.ok(Math.abs(u - expected[i]![p]!) < 1e-9, `${label}: frontier vector ${i}`)),
  );
  for (const [key, point] of [
    ['nash', oracle.nash],
    ['kalaiSmorodinsky', oracle.kalaiSmorodinsky],
    ['maxWelfare', oracle.maxWelfare],
    ['egalitarian', oracle.egalitarian],
  ] as const) {
    const reported = json[key] as JsonPoint;
    if (!point) assert.equal(reported, null, `${label}: ${key}`);
    else
      toFloats(point).forEach((u, p) =>
        assert.ok(Math.abs(reported!.utilities[p]! - u) < 1e-9, `${label}: ${key} utility ${p}`),
      );
  }
}
