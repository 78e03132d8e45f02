import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  add,
  compare,
  compileConstraints,
  rational,
  scaleParty,
  type NegotiationProblem,
  type Rational,
} from '../../src/analysis/index.ts';
import { directSolutions, type DirectPoint, type DirectSolutions } from '../../src/analysis/bargain.ts';
import type { ScaledAdditive } from '../../src/analysis/scaled.ts';
import { opposedDomain } from '../../bench/synthetic.ts';
import { oracleUtilities } from './check.ts';
import { bruteForce, type OracleResult, type OracleVector } from './oracle.ts';
import { randomProblem } from './random.ts';

const key = (utilities: readonly Rational[] | null) =>
  utilities === null ? 'none' : utilities.map((u) => `${u.num}/${u.den}`).join(' ');

function direct(
  problem: NegotiationProblem,
  reservations?: readonly Rational[],
  budget?: DirectSolutionsBudget,
  relinkOpenIssues?: number,
) {
  const scaled = problem.parties.map(scaleParty) as ScaledAdditive[];
  return directSolutions(
    scaled,
    compileConstraints(problem),
    reservations ?? problem.parties.map((p) => p.reservation),
    {
      ...(budget ? { budget } : {}),
      ...(relinkOpenIssues === undefined ? {} : { relinkOpenIssues }),
    },
  );
}
type DirectSolutionsBudget = { now: () => number; deadline: number };

function assertPoint(label: string, actual: DirectPoint, expected: OracleVector | null, oracle: OracleResult) {
  if (expected === null) {
    assert.equal(actual.status, 'none', `${label}: expected no point, got ${key(actual.utilities)}`);
    assert.equal(actual.outcome, null);
    return;
  }
  assert.equal(actual.status, 'optimal', `${label}: status`);
  assert.equal(key(actual.utilities), key(oracleUtilities(oracle, expected)), `${label}: utilities`);
  assert.deepEqual(actual.outcome, expected.representative, `${label}: representative outcome`);
}

function agreesWithBruteForce(problem: NegotiationProblem, label: string): DirectSolutions {
  const oracle = bruteForce(problem);
  const found = direct(problem);
  assertPoint(`${label} Nash`, found.nash, oracle.nash, oracle);
  assertPoint(`${label} max welfare`, found.maxWelfare, oracle.maxWelfare, oracle);
  assertPoint(`${label} egalitarian`, found.egalitarian, oracle.egalitarian, oracle);
  assertPoint(`${label} Kalai-Smorodinsky`, found.kalaiSmorodinsky, oracle.kalaiSmorodinsky, oracle);
  assert.ok(found.complete, `${label}: complete`);
  // The max-min relaxation re-solved inside the tree (at every second depth, down to the leaves): same points.
  const relinked = direct(problem, undefined, undefined, 0);
  assertPoint(`${label} egalitarian, relaxation re-solved`, relinked.egalitarian, oracle.egalitarian, oracle);
  assertPoint(
    `${label} Kalai-Smorodinsky, relaxation re-solved`,
    relinked.kalaiSmorodinsky,
    oracle.kalaiSmorodinsky,
    oracle,
  );
  assert.ok(relinked.complete, `${label}: complete with the relaxation re-solved`);
  return found;
}

describe('bargaining points searched directly, without the frontier, equal brute force', () => {
  for (const parties of [2, 3, 4, 5, 6, 7]) {
    for (const values of ['coarse', 'fine'] as const) {
      it(`${parties} parties, ${values} values, with red lines, linked issues and reservation values`, () => {
        const seeds = parties <= 4 ? 14 : 6;
        for (let seed = 1; seed <= seeds; seed++) {
          const problem = randomProblem(seed * 131 + parties, {
            parties,
            issues: 2 + (seed % (parties <= 4 ? 5 : 3)),
            maxOptions: parties <= 4 ? 4 : 3,
            values,
            redLines: seed % 3,
            constraints: seed % 4,
            reservations: seed % 2 === 0,
          });
          agreesWithBruteForce(problem, `seed ${seed}`);
        }
      });
    }
  }

  it('reservation values that exclude every package: no point, and the ideal says none', () => {
    const problem = randomProblem(7, { parties: 3, issues: 3, maxOptions: 3, values: 'coarse' });
    const found = direct(
      problem,
      problem.parties.map(() => rational(2n)),
    );
    for (const point of [found.nash, found.kalaiSmorodinsky, found.maxWelfare, found.egalitarian]) {
      assert.equal(point.status, 'none');
      assert.equal(point.outcome, null);
    }
    assert.deepEqual(found.ideal, [null, null, null]);
    assert.ok(found.complete);
  });

  it('red lines that remove every option of an issue: no point', () => {
    const problem = randomProblem(8, { parties: 2, issues: 2, maxOptions: 2, values: 'coarse' });
    const redLines = problem.space.issues[0]!.options.map((_, option) => ({ issue: 0, option }));
    const found = direct({ ...problem, redLines });
    assert.equal(found.maxWelfare.status, 'none');
    assert.equal(found.nash.status, 'none');
  });
});

describe('bargaining points: properties over random domains', () => {
  it('no package beats a point claimed optimal, and no returned point is dominated', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 2, max: 5 }),
        fc.constantFrom('coarse', 'fine'),
        (seed, parties, values) => {
          const problem = randomProblem(seed, {
            parties,
            issues: 3 + (seed % 3),
            maxOptions: 3,
            values: values as 'coarse' | 'fine',
            redLines: seed % 2,
            constraints: seed % 3,
            reservations: seed % 2 === 0,
          });
          const oracle = bruteForce(problem);
          const found = agreesWithBruteForce(problem, `seed ${seed}`);
          for (const point of [found.nash, found.kalaiSmorodinsky, found.maxWelfare, found.egalitarian]) {
            if (!point.utilities) continue;
            const mine = point.utilities;
            const dominated = oracle.vectors.some((vector) => {
              const theirs = oracleUtilities(oracle, vector);
              const weakly = theirs.every((u, p) => u.num * mine[p]!.den >= mine[p]!.num * u.den);
              const strictly = theirs.some((u, p) => u.num * mine[p]!.den > mine[p]!.num * u.den);
              return weakly && strictly;
            });
            assert.ok(!dominated, `seed ${seed}: a returned point is dominated`);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('bargaining points within a time budget', () => {
  it('a budget that runs out says so: best found with a proven gap covering the optimum, never a silent answer', () => {
    const problem = opposedDomain({ parties: 7, issues: 16, options: 4, seed: 2 });
    const exact = direct(problem);
    // A fake clock: every reading advances it by one millisecond; the deadline is soon passed.
    let clock = 0;
    const cut = direct(problem, undefined, { now: () => clock++, deadline: 3 });
    assert.equal(cut.complete, false);
    const point = cut.egalitarian;
    assert.ok(point.status === 'best-found' || point.status === 'not-found', point.status);
    if (point.status === 'best-found') {
      const optimum = exact.egalitarian.value!;
      const reach = add(point.value!, point.gap!);
      assert.ok(compare(reach, optimum) >= 0, 'found + gap reaches the optimum');
    }
  });

  it('the proven gap covers the distance to the true optimum', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const problem = randomProblem(seed * 7, { parties: 3, issues: 8, maxOptions: 4, values: 'fine' });
      const exact = direct(problem);
      let clock = 0;
      const cut = direct(problem, undefined, { now: () => clock++, deadline: 2 });
      for (const name of ['maxWelfare', 'egalitarian', 'nash'] as const) {
        const point = cut[name];
        if (point.status !== 'best-found') continue;
        const optimum = exact[name].value!;
        const reach = {
          num: point.value!.num * point.gap!.den + point.gap!.num * point.value!.den,
          den: point.value!.den * point.gap!.den,
        };
        assert.ok(
          reach.num * optimum.den >= optimum.num * reach.den,
          `seed ${seed} ${name}: found + gap reaches the optimum`,
        );
      }
    }
  });
});
