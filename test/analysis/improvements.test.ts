import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  assessDraft,
  compare,
  compileConstraints,
  outcomeUtilities,
  paretoFrontier,
  scaleParty,
  type NegotiationProblem,
} from '../../src/analysis/index.ts';
import { draftImprovements, type DraftImprovements } from '../../src/analysis/improvements.ts';
import type { ScaledAdditive } from '../../src/analysis/scaled.ts';
import { opposedDomain } from '../../bench/synthetic.ts';
import { bruteForce, type OracleResult, type OracleVector } from './oracle.ts';
import { randomProblem, seeded } from './random.ts';

type Fraction = { num: bigint; den: bigint };
const cmp = (x: Fraction, y: Fraction) => {
  const l = x.num * y.den;
  const r = y.num * x.den;
  return l < r ? -1 : l > r ? 1 : 0;
};

function improve(
  problem: NegotiationProblem,
  draft: number[],
  k: number,
  budget?: { now: () => number; deadline: number },
) {
  const scaled = problem.parties.map(scaleParty) as ScaledAdditive[];
  return draftImprovements(scaled, compileConstraints(problem), draft, { k, ...(budget ? { budget } : {}) });
}

/** Every improving package's utility vector from brute force, ranked by definition (independently of the engine). */
function expectedRankings(problem: NegotiationProblem, oracle: OracleResult, draft: number[]) {
  const n = problem.parties.length;
  const den = oracle.denominators;
  // The draft's numerators: the oracle's tables, through a problem whose only outcome is the draft.
  const only: NegotiationProblem = {
    ...problem,
    space: {
      ...problem.space,
      issues: problem.space.issues.map((issue, i) => ({ ...issue, options: [issue.options[draft[i]!]!] })),
    },
    parties: problem.parties.map((party) =>
      party.utility.kind === 'additive'
        ? {
            ...party,
            utility: {
              ...party.utility,
              evaluations: party.utility.evaluations.map((row, i) => [row[draft[i]!]!]),
            },
          }
        : party,
    ),
    redLines: [],
    constraints: [],
  };
  const draftOracle = bruteForce(only);
  // Scale to the full problem's denominators (the reduced problem's may differ).
  const d = draftOracle.vectors[0]!.numerators.map((x, p) => ({ num: x, den: draftOracle.denominators[p]! }));
  const utility = (v: OracleVector, p: number): Fraction => ({ num: v.numerators[p]!, den: den[p]! });
  const gain = (v: OracleVector, p: number): Fraction => {
    const u = utility(v, p);
    return { num: u.num * d[p]!.den - d[p]!.num * u.den, den: u.den * d[p]!.den };
  };
  const improving = oracle.vectors.filter(
    (v) =>
      Array.from({ length: n }, (_, p) => cmp(utility(v, p), d[p]!)).every((c) => c >= 0) &&
      Array.from({ length: n }, (_, p) => cmp(utility(v, p), d[p]!)).some((c) => c > 0),
  );
  const welfare = (v: OracleVector) =>
    Array.from({ length: n }, (_, p) => utility(v, p)).reduce(
      (s, u) => ({ num: s.num * u.den + u.num * s.den, den: s.den * u.den }),
      { num: 0n, den: 1n },
    );
  const tie = (a: OracleVector, b: OracleVector) => {
    const w = cmp(welfare(a), welfare(b));
    if (w !== 0) return w;
    for (let p = 0; p < n; p++) {
      const c = cmp(utility(a, p), utility(b, p));
      if (c !== 0) return c;
    }
    return 0;
  };
  const product = (v: OracleVector) =>
    Array.from({ length: n }, (_, p) => gain(v, p)).reduce((s, g) => ({ num: s.num * g.num, den: s.den * g.den }), {
      num: 1n,
      den: 1n,
    });
  const ranked = (value: (v: OracleVector) => Fraction) =>
    [...improving].sort((a, b) => cmp(value(b), value(a)) || tie(b, a)).map((v) => ({ v, value: value(v) }));
  return {
    nash: ranked(product),
    byParty: Array.from({ length: n }, (_, p) => ranked((v) => gain(v, p))),
    frontier: new Set(oracle.frontier.map((v) => v.numerators.join(','))),
  };
}

function agrees(problem: NegotiationProblem, draft: number[], k: number, label: string): DraftImprovements {
  const oracle = bruteForce(problem);
  const expected = expectedRankings(problem, oracle, draft);
  const found = improve(problem, draft, k);
  assert.ok(found.complete, `${label}: complete`);
  assert.equal(found.improvable, expected.nash.length > 0, `${label}: improvable`);
  const check = (
    name: string,
    actual: DraftImprovements['nash'],
    wanted: ReturnType<typeof expectedRankings>['nash'],
  ) => {
    assert.equal(actual.status, 'optimal');
    assert.equal(actual.packages.length, Math.min(k, wanted.length), `${label} ${name}: how many`);
    actual.packages.forEach((pkg, i) => {
      const want = wanted[i]!;
      const numerators = pkg.utilities.map((u, p) => (u.num * oracle.denominators[p]!) / u.den);
      assert.deepEqual(numerators, want.v.numerators, `${label} ${name} #${i + 1}: utilities`);
      assert.deepEqual(pkg.outcome, want.v.representative, `${label} ${name} #${i + 1}: smallest outcome`);
      assert.equal(cmp(pkg.value, want.value), 0, `${label} ${name} #${i + 1}: value`);
      assert.equal(pkg.paretoOptimal, expected.frontier.has(want.v.numerators.join(',')), `${label} ${name}: Pareto`);
    });
  };
  check('Nash', found.nash, expected.nash);
  found.byParty.forEach((ranking, p) => check(`party ${p + 1}`, ranking, expected.byParty[p]!));
  return found;
}

const randomDraft = (problem: NegotiationProblem, seed: number) => {
  const random = seeded(seed);
  return problem.space.issues.map((issue) => Math.floor(random() * issue.options.length));
};

describe('improvements on a draft, searched directly, equal brute force', () => {
  for (const parties of [2, 3, 4, 5, 6, 7]) {
    for (const values of ['coarse', 'fine'] as const) {
      it(`${parties} parties, ${values} values, with red lines and linked issues (the draft may cross them)`, () => {
        const seeds = parties <= 4 ? 12 : 5;
        for (let seed = 1; seed <= seeds; seed++) {
          const problem = randomProblem(seed * 97 + parties, {
            parties,
            issues: 2 + (seed % (parties <= 4 ? 5 : 3)),
            maxOptions: parties <= 4 ? 4 : 3,
            values,
            redLines: seed % 3,
            constraints: seed % 4,
          });
          agrees(problem, randomDraft(problem, seed), 1 + (seed % 4) * 3, `seed ${seed}`);
        }
      });
    }
  }

  it('a draft no package improves on: nothing listed, proved', () => {
    const problem = randomProblem(5, { parties: 3, issues: 4, maxOptions: 3, values: 'fine' });
    const oracle = bruteForce(problem);
    // The maximum-welfare package is Pareto-optimal, so nothing improves on it.
    const draft = oracle.maxWelfare!.representative;
    const found = agrees(problem, draft, 10, 'max welfare draft');
    assert.equal(found.improvable, false);
    assert.equal(found.nash.packages.length, 0);
  });

  it('a draft at one party’s best: every Nash product is zero and welfare ranks them', () => {
    const problem = randomProblem(11, { parties: 3, issues: 5, maxOptions: 3, values: 'coarse' });
    const scaled = problem.parties.map(scaleParty) as ScaledAdditive[];
    const draft = scaled[0]!.numerators.map((row) => row.indexOf(row.reduce((a, b) => (b > a ? b : a))));
    agrees(problem, draft, 10, 'party 1 best');
  });
});

describe('improvements on a draft: properties over random domains', () => {
  it('every listed package weakly improves every party, and no unlisted improvement beats the k-th', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 2, max: 5 }),
        fc.constantFrom('coarse', 'fine'),
        fc.integer({ min: 1, max: 10 }),
        (seed, parties, values, k) => {
          const problem = randomProblem(seed, {
            parties,
            issues: 3 + (seed % 3),
            maxOptions: 3,
            values: values as 'coarse' | 'fine',
            redLines: seed % 2,
            constraints: seed % 3,
          });
          agrees(problem, randomDraft(problem, seed + 1), k, `seed ${seed}`);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('improvements on a draft within a time budget', () => {
  it('a budget that runs out says so, and what is listed still improves on the draft', () => {
    const problem = opposedDomain({ parties: 7, issues: 20, options: 5, seed: 1 });
    const draft = randomDraft(problem, 3);
    let clock = 0;
    const cut = improve(problem, draft, 10, { now: () => clock++, deadline: 3 });
    assert.equal(cut.complete, false);
    const draftUtilities = outcomeUtilities(problem, draft);
    assert.ok([cut.nash, ...cut.byParty].some((ranking) => ranking.status === 'best-found'));
    for (const ranking of [cut.nash, ...cut.byParty]) {
      for (const pkg of ranking.packages) {
        assert.ok(pkg.utilities.every((u, p) => compare(u, draftUtilities[p]!) >= 0));
        assert.ok(pkg.utilities.some((u, p) => compare(u, draftUtilities[p]!) > 0));
        if (ranking.status === 'best-found') assert.equal(pkg.paretoOptimal, null);
      }
    }
  });
});

describe('assessDraft', () => {
  it('ranks the improvements directly when asked, and agrees with the frontier on whether there are any', () => {
    const problem = randomProblem(23, { parties: 3, issues: 5, maxOptions: 3, values: 'fine', redLines: 1 });
    const frontier = paretoFrontier(problem);
    for (let seed = 1; seed <= 8; seed++) {
      const draft = randomDraft(problem, seed);
      assert.equal(assessDraft(problem, frontier, draft).ranked, null);
      const assessment = assessDraft(problem, frontier, draft, { k: 3 });
      assert.equal(assessment.ranked!.improvable, assessment.improvements.length > 0, `seed ${seed}`);
      // The best by Nash product is Pareto-optimal: one of the frontier's improvements.
      if (assessment.ranked!.nash.packages.length > 0)
        assert.equal(assessment.ranked!.nash.packages[0]!.paretoOptimal, true);
    }
  });

  it('a draft naming an option that does not exist is refused, naming the issue', () => {
    const problem = randomProblem(23, { parties: 2, issues: 3, maxOptions: 3, values: 'coarse' });
    const draft = problem.space.issues.map(() => 0);
    draft[1] = 99;
    assert.throws(() => assessDraft(problem, paretoFrontier(problem), draft, {}), /"i1"/);
  });
});
