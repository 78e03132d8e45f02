// A frontier too long to list: the engines stop on their check, and analyzeNegotiation answers without the
// frontier (the points, agreement, a bound on the frontier's size and Pareto-optimal packages spread along it),
// every answer checked against brute force.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  additiveFrontier,
  analyzeNegotiation,
  assessDraft,
  compileConstraints,
  portableAnalysis,
  enumerationFrontier,
  FrontierStopped,
  generalFrontier,
  rational,
  scaleParty,
  simplexWeights,
  weightedWelfarePackage,
  type NegotiationProblem,
  type Rational,
} from '../../src/analysis/index.ts';
import type { ScaledAdditive } from '../../src/analysis/scaled.ts';
import { opposedDomain } from '../../bench/synthetic.ts';
import { oracleUtilities } from './check.ts';
import { bruteForce, type OracleResult, type OracleVector } from './oracle.ts';
import { randomProblem } from './random.ts';
import { analysisJson } from '../../src/cli/analyze-genius.ts';
import { settlementOf } from '../../src/core/settlement.ts';

const key = (utilities: readonly Rational[] | null | undefined) =>
  utilities ? utilities.map((u) => `${u.num}/${u.den}`).join(' ') : 'none';

function assertPoint(
  label: string,
  actual: { utilities: Rational[]; outcome: number[] } | null,
  expected: OracleVector | null,
  oracle: OracleResult,
) {
  if (expected === null) return assert.equal(actual, null, `${label}: no point`);
  assert.ok(actual, `${label}: a point`);
  assert.equal(key(actual.utilities), key(oracleUtilities(oracle, expected)), `${label}: utilities`);
  assert.deepEqual(actual.outcome, expected.representative, `${label}: representative`);
}

/** The analysis with its frontier cut short at once (a cap of 0 vectors), against brute force. */
function checkCut(problem: NegotiationProblem, label: string) {
  const oracle = bruteForce(problem);
  const analysis = analyzeNegotiation(problem, { frontierLimit: 0 });
  if (oracle.frontier.length === 0) {
    // An empty frontier holds nothing: it fits any cap, and is listed.
    assert.equal(analysis.frontier?.size, 0, `${label}: an empty frontier`);
    assert.equal(analysis.agreement.possible, false);
    return { analysis, oracle };
  }
  assert.equal(analysis.frontier, null, `${label}: the frontier is not listed`);
  const cut = analysis.frontierCut!;
  assert.equal(cut.reason, 'size');
  assertPoint(`${label} Nash`, analysis.nash, oracle.nash, oracle);
  assertPoint(`${label} KS`, analysis.kalaiSmorodinsky, oracle.kalaiSmorodinsky, oracle);
  assertPoint(`${label} max welfare`, analysis.maxWelfare, oracle.maxWelfare, oracle);
  assertPoint(`${label} egalitarian`, analysis.egalitarian, oracle.egalitarian, oracle);
  assert.equal(analysis.agreement.possible, oracle.maxWelfare !== null, `${label}: agreement`);
  // The bound holds.
  assert.ok(cut.sizeBound >= BigInt(oracle.frontier.length), `${label}: ${cut.sizeBound} ≥ ${oracle.frontier.length}`);
  // Every sampled package is on the frontier, with its representative outcome; distinct; in the frontier's order.
  const onFrontier = new Map(oracle.frontier.map((v) => [key(oracleUtilities(oracle, v)), v]));
  const keys = cut.sample.map((point) => key(point.utilities));
  assert.equal(new Set(keys).size, keys.length, `${label}: distinct`);
  cut.sample.forEach((point, k) => {
    const vector = onFrontier.get(keys[k]!);
    assert.ok(vector, `${label}: sample ${k} [${keys[k]}] is Pareto-optimal`);
    assert.deepEqual(point.outcome, vector.representative, `${label}: sample ${k} representative`);
  });
  for (let k = 1; k < cut.sample.length; k++) {
    const a = cut.sample[k - 1]!.utilities;
    const b = cut.sample[k]!.utilities;
    const p = a.findIndex((u, q) => u.num * b[q]!.den !== b[q]!.num * u.den);
    assert.ok(p >= 0 && a[p]!.num * b[p]!.den > b[p]!.num * a[p]!.den, `${label}: decreasing lexicographic order`);
  }
  if (oracle.frontier.length > 0) assert.ok(cut.sample.length > 0, `${label}: a sample`);
  else assert.equal(cut.sample.length, 0);
  // The sample spans every party's best.
  problem.parties.forEach((_, p) => {
    if (oracle.frontier.length === 0) return;
    const best = oracle.frontier.reduce(
      (m, v) => (v.numerators[p]! > m ? v.numerators[p]! : m),
      oracle.frontier[0]!.numerators[p]!,
    );
    assert.ok(
      cut.sample.some((point) => point.utilities[p]!.num * oracle.denominators[p]! === best * point.utilities[p]!.den),
      `${label}: party ${p + 1}'s best is in the sample`,
    );
  });
  return { analysis, oracle };
}

describe('the frontier cut short: answers without it', () => {
  it('agrees with brute force on random domains of 2 to 7 parties, with ties, red lines, links and reservation values', () => {
    for (let seed = 1; seed <= 36; seed++) {
      const parties = 2 + (seed % 6);
      const problem = randomProblem(seed * 17 + parties, {
        parties,
        issues: 2 + (seed % 4),
        maxOptions: 4,
        values: seed % 2 ? 'coarse' : 'fine',
        redLines: seed % 3,
        constraints: seed % 4 === 0 ? 1 : 0,
        reservations: seed % 5 !== 0,
      });
      checkCut(problem, `seed ${seed} (${parties} parties)`);
    }
  });

  it('says no agreement is possible when reservation values exclude every package, with the conflict', () => {
    const problem = randomProblem(5, { parties: 3, issues: 3, maxOptions: 3, values: 'coarse' });
    const high = { ...problem, parties: problem.parties.map((party) => ({ ...party, reservation: rational(2n) })) };
    const { analysis } = checkCut(high, 'reservations above every package');
    assert.equal(analysis.agreement.possible, false);
    assert.ok(analysis.agreement.conflict.length > 0);
  });

  it('lists the frontier as before when it fits the cap and the time', () => {
    const problem = opposedDomain({ parties: 3, issues: 5, options: 3, seed: 2 });
    const analysis = analyzeNegotiation(problem);
    assert.ok(analysis.frontier && analysis.frontier.size > 0);
    assert.equal(analysis.frontierCut, null);
  });

  it('stops on the time budget: the frontier is not listed, the reason is the time', () => {
    const problem = opposedDomain({ parties: 4, issues: 10, options: 4, seed: 1 });
    // A clock that has passed the frontier's share after the points: each reading a second later.
    let clock = 0;
    const now = () => (clock += 1000);
    const analysis = analyzeNegotiation(problem, { budget: { now, deadline: 1e9 }, frontierShare: 1e-9 });
    assert.equal(analysis.frontier, null);
    assert.equal(analysis.frontierCut!.reason, 'time');
  });

  it('the frontier engines throw FrontierStopped when their check says stop, and run to the end otherwise', () => {
    const problem = opposedDomain({ parties: 3, issues: 8, options: 4, seed: 3 });
    const scaled = problem.parties.map(scaleParty);
    const constraints = compileConstraints(problem);
    const engines = {
      merge: (check: (held: number) => boolean) =>
        additiveFrontier(scaled as ScaledAdditive[], constraints, undefined, check),
      enumerate: (check: (held: number) => boolean) => enumerationFrontier(scaled, constraints, undefined, check),
      search: (check: (held: number) => boolean) => generalFrontier(scaled, constraints, undefined, check),
    };
    for (const [name, run] of Object.entries(engines)) {
      let largest = 0;
      const full = run((held) => ((largest = Math.max(largest, held)), false));
      assert.ok(full.size > 0 && largest > 0, `${name}: asked`);
      assert.throws(() => run((held) => held > 10), FrontierStopped, `${name}: stopped past 10 vectors`);
    }
  });
});

describe("a draft's improvements without the frontier", () => {
  it('agree with the listing over the frontier: the same verdict, and every Pareto-optimal one ranked is listed there', () => {
    let improvable = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const parties = 2 + (seed % 4);
      const problem = randomProblem(seed * 29, {
        parties,
        issues: 3 + (seed % 3),
        maxOptions: 3,
        values: seed % 2 ? 'coarse' : 'fine',
        redLines: seed % 2,
      });
      const draft = problem.space.issues.map((issue, i) => (seed + i) % issue.options.length);
      const listed = analyzeNegotiation(problem);
      const whole = assessDraft(problem, listed.frontier, draft);
      const cut = portableAnalysis(analyzeNegotiation(problem, { frontierLimit: 0 }), { problem, outcome: draft });
      if (listed.frontier!.size === 0) continue;
      assert.equal(cut.frontierListed, false);
      const ranked = cut.ranked!;
      assert.ok(ranked.complete, `seed ${seed}: proved`);
      const onList = new Set(
        whole.improvements.map((index) =>
          Array.from({ length: parties }, (_, p) => listed.frontier!.exactNumerator(index, p)).join(','),
        ),
      );
      const scaled = problem.parties.map(scaleParty);
      const numerators = (outcome: number[]) =>
        scaled
          .map((party) =>
            outcome.reduce((sum, option, i) => sum + (party as ScaledAdditive).numerators[i]![option]!, 0n),
          )
          .join(',');
      assert.equal(ranked.improvable, whole.improvements.length > 0, `seed ${seed}: improvable`);
      for (const ranking of [ranked.nash, ...ranked.byParty])
        for (const pkg of ranking.packages)
          if (pkg.paretoOptimal)
            assert.ok(
              onList.has(numerators(pkg.outcome)),
              `seed ${seed}: a Pareto-optimal improvement is listed over the frontier`,
            );
      // The best by each party's gain is the frontier's improvement best for that party.
      ranked.byParty.forEach((ranking, p) => {
        if (whole.improvements.length === 0) return;
        const best = whole.improvements.reduce(
          (m, index) => {
            const value = listed.frontier!.exactNumerator(index, p);
            return value > m ? value : m;
          },
          listed.frontier!.exactNumerator(whole.improvements[0]!, p),
        );
        assert.equal(
          BigInt(numerators(ranking.packages[0]!.outcome).split(',')[p]!),
          best,
          `seed ${seed}: party ${p + 1}'s best`,
        );
      });
      if (whole.improvements.length > 0) improvable++;
    }
    assert.ok(improvable > 5, `${improvable} drafts could be improved`);
  });
});

describe('weighted-welfare maximisers are Pareto-optimal (zero weights and ties included)', () => {
  it('each is on the frontier and maximises its weighted sum, against brute force', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
        (seed, parties, raw) => {
          const weights = raw.slice(0, parties);
          if (!weights.some((w) => w > 0)) weights[0] = 1;
          const problem = randomProblem(seed, {
            parties,
            issues: 3,
            maxOptions: 4,
            values: 'coarse',
            redLines: seed % 3,
          });
          const oracle = bruteForce(
            problem,
            problem.parties.map(() => rational(-1n)),
          );
          const scaled = problem.parties.map(scaleParty) as ScaledAdditive[];
          const found = weightedWelfarePackage(scaled, compileConstraints(problem), weights);
          if (oracle.frontier.length === 0) return found.outcome === null;
          assert.ok(found.outcome);
          const utilities = found.numerators.map((num, p) => rational(num, scaled[p]!.denominator));
          const vector = oracle.frontier.find((v) => key(oracleUtilities(oracle, v)) === key(utilities));
          assert.ok(vector, `weights ${weights}: [${key(utilities)}] is Pareto-optimal`);
          assert.deepEqual(found.outcome, vector.representative);
          const weighted = (v: OracleVector) =>
            oracleUtilities(oracle, v).reduce((sum, u, p) => sum + (Number(u.num) / Number(u.den)) * weights[p]!, 0);
          const top = Math.max(...oracle.vectors.map(weighted));
          assert.ok(Math.abs(weighted(vector) - top) < 1e-9, 'maximises the weighted sum');
          return true;
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the weights spread over the simplex: each party alone first, then positive integer weights, distinct', () => {
    for (const parties of [2, 3, 5, 7]) {
      const weights = simplexWeights(parties, 200);
      assert.ok(weights.length <= 200 + parties && weights.length > parties, `${parties}: ${weights.length}`);
      weights.slice(0, parties).forEach((w, q) =>
        assert.deepEqual(
          w,
          w.map((_, p) => (p === q ? 1 : 0)),
        ),
      );
      weights.slice(parties).forEach((w) => assert.ok(w.every((x) => Number.isInteger(x) && x >= 1)));
      assert.equal(new Set(weights.map(String)).size, weights.length);
    }
  });
});

describe('parley analyze --json without the frontier', () => {
  it('says the frontier is not listed, bounds it, lists the sample and ranks the draft’s improvements directly', () => {
    const problem = opposedDomain({ parties: 3, issues: 6, options: 3, seed: 4 });
    const draft = problem.space.issues.map(() => 0);
    const files = problem.parties.map((_, p) => `p${p}.xml`);
    const analysis = analyzeNegotiation(problem, { frontierLimit: 0 });
    const json = analysisJson(problem, files, analysis, draft);
    assert.equal(json.paretoSize, null);
    assert.equal(json.paretoListed, false);
    assert.equal(json.paretoSizeAtMost, String(analysis.frontierCut!.sizeBound));
    assert.equal(json.pareto.length, analysis.frontierCut!.sample.length);
    assert.ok(json.pareto.every((entry) => entry.count === null));
    const listed = analyzeNegotiation(problem);
    const whole = assessDraft(problem, listed.frontier, draft);
    assert.equal(json.draft!.paretoOptimal, whole.paretoOptimal);
    assert.ok(json.draft!.ranked, 'the ranked improvements');
    assert.equal(json.draft!.improvements.length > 0, whole.improvements.length > 0);
    // With the frontier, as before.
    const before = analysisJson(problem, files, listed, draft);
    assert.equal(before.paretoSize, listed.frontier!.size);
    assert.equal(before.draft!.improvements.length, Math.min(10, whole.improvements.length));
  });
});

describe('the settlement desk without the frontier', () => {
  it('says so in words, bounds the frontier, lists the sample and ranks the draft’s improvements directly', () => {
    const problem = opposedDomain({ parties: 3, issues: 6, options: 3, seed: 4 });
    const included = problem.parties.map((party) => party.name);
    const draftChoices = Object.fromEntries(problem.space.issues.map((issue) => [issue.name, issue.options[0]!]));
    const draft = problem.space.issues.map(() => 0);
    const analysis = analyzeNegotiation(problem, { frontierLimit: 0 });
    const result = settlementOf(
      problem,
      included,
      [],
      [],
      portableAnalysis(analysis, { problem, outcome: draft }),
      draftChoices,
    );
    assert.equal(result.frontierListed, false);
    assert.equal(result.frontierSize, null);
    assert.equal(result.frontierTruncated, true);
    assert.equal(result.frontierSizeAtMost, String(analysis.frontierCut!.sizeBound));
    assert.deepEqual(result.frontierIndexes, []);
    assert.equal(result.frontier.length, analysis.frontierCut!.sample.length);
    assert.ok(
      result.notes.some((note) =>
        note.startsWith('the Pareto frontier is not listed: computing it held more than 0 packages; it has at most'),
      ),
      result.notes.join('\n'),
    );
    const listed = analyzeNegotiation(problem);
    const whole = assessDraft(problem, listed.frontier, draft);
    assert.equal(result.draft!.paretoOptimal, whole.paretoOptimal);
    assert.equal(result.draft!.improvements.length > 0, whole.improvements.length > 0);
    assert.deepEqual(Object.keys(result.draft!.ranked!.byParty), included);
    assert.equal(result.draft!.ranked!.complete, true);
    // With the frontier listed, as before: no ranking, the frontier's improvements.
    const before = settlementOf(
      problem,
      included,
      [],
      [],
      portableAnalysis(listed, { problem, outcome: draft }),
      draftChoices,
    );
    assert.equal(before.frontierListed, true);
    assert.equal(before.draft!.ranked, undefined);
    assert.equal(before.draft!.improvements.length, Math.min(20, whole.improvements.length));
  });
});
