import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyzeNegotiation,
  assessDraft,
  outcomeUtilities,
  rational,
  type NegotiationProblem,
  type Rational,
  type Requirement,
} from '../../src/analysis/index.ts';
import { checkProblem } from './check.ts';
import { bruteForce, isFeasible } from './oracle.ts';
import { randomProblem, seeded } from './random.ts';

// Seeded random domains: every engine against brute force, for 2, 3 and 4 parties,
// with ties (coarse values), long decimals (the exact fallback), red lines,
// constraints across issues and reservation values.
describe('random additive domains: every engine equals brute force', () => {
  for (const parties of [2, 3, 4]) {
    for (const values of ['coarse', 'fine'] as const) {
      it(`${parties} parties, ${values} values, with red lines, linked issues and reservation values`, () => {
        for (let seed = 1; seed <= 12; seed++) {
          const problem = randomProblem(seed * 101 + parties, {
            parties,
            issues: 2 + (seed % 4),
            maxOptions: 4,
            values,
            redLines: seed % 3,
            constraints: seed % 4,
            reservations: seed % 2 === 0,
          });
          checkProblem(problem, ['merge', 'search', 'enumerate'], `seed ${seed}`);
        }
      });
    }
  }

  it('larger domains for 4 parties (the divide-and-conquer filter) and 5 parties', () => {
    for (let seed = 1; seed <= 4; seed++) {
      for (const values of ['coarse', 'fine'] as const) {
        const four = randomProblem(seed * 13, { parties: 4, issues: 7, maxOptions: 4, values, reservations: true });
        checkProblem(four, ['merge'], `4 parties seed ${seed}`);
      }
      const five = randomProblem(seed * 17, {
        parties: 5,
        issues: 5,
        maxOptions: 4,
        values: 'coarse',
        redLines: 1,
        constraints: 1,
      });
      checkProblem(five, ['merge', 'search'], `5 parties seed ${seed}`);
    }
  });

  it('reservation values given by the caller replace the profiles’ own', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const problem = randomProblem(seed, { parties: 3, issues: 4, maxOptions: 4, values: 'coarse' });
      const random = seeded(seed);
      const reservations = problem.parties.map(() => rational(BigInt(Math.floor(random() * 9)), 10n));
      checkProblem(problem, ['merge'], `seed ${seed}`, reservations);
    }
  });
});

describe('random hyper-rectangle (ANAC 2014 style) domains: branch and bound equals brute force', () => {
  for (const parties of [2, 3, 4]) {
    it(`${parties} parties`, () => {
      for (let seed = 1; seed <= 15; seed++) {
        const problem = randomProblem(seed * 7 + parties, {
          parties,
          issues: 3 + (seed % 3),
          maxOptions: 5,
          values: 'coarse',
          rectangles: true,
          reservations: seed % 3 === 0,
          constraints: seed % 2,
          redLines: seed % 2,
        });
        checkProblem(problem, ['search', 'enumerate'], `seed ${seed}`);
      }
    });
  }
});

function compareRational(a: Rational, b: Rational): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

describe('drafts', () => {
  it('a draft’s utilities, Pareto-optimality and improvements agree with brute force', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const problem = randomProblem(seed, {
        parties: 2 + (seed % 3),
        issues: 4,
        maxOptions: 3,
        values: seed % 2 ? 'coarse' : 'fine',
        redLines: 1,
        constraints: 1,
      });
      const analysis = analyzeNegotiation(problem);
      const oracle = bruteForce(problem);
      const random = seeded(seed);
      const draft = problem.space.issues.map((issue) => Math.floor(random() * issue.options.length));
      const assessment = assessDraft(problem, analysis.frontier, draft);
      const utilities = outcomeUtilities(problem, draft);
      assert.deepEqual(assessment.utilities, utilities);
      const asRationals = (numerators: bigint[]) => numerators.map((n, p) => rational(n, oracle.denominators[p]!));
      const dominators = oracle.vectors.filter((v) => {
        const u = asRationals(v.numerators);
        return (
          u.every((x, p) => compareRational(x, utilities[p]!) >= 0) &&
          u.some((x, p) => compareRational(x, utilities[p]!) > 0)
        );
      });
      assert.equal(
        assessment.paretoOptimal,
        isFeasible(problem, draft) && dominators.length === 0,
        `seed ${seed}: Pareto-optimal`,
      );
      assert.equal(assessment.violates.length === 0, isFeasible(problem, draft), `seed ${seed}: feasibility`);
      // Improvements are exactly the Pareto-optimal dominators, best (largest welfare) first.
      const expected = new Set(
        dominators
          .filter((v) => oracle.frontier.includes(v))
          .map((v) =>
            asRationals(v.numerators)
              .map((u) => `${u.num}/${u.den}`)
              .join(),
          ),
      );
      const actual = assessment.improvements.map((i) =>
        Array.from({ length: analysis.frontier!.parties }, (_, p) =>
          rational(analysis.frontier!.exactNumerator(i, p), analysis.frontier!.scaled[p]!.denominator),
        ),
      );
      assert.deepEqual(
        new Set(actual.map((u) => u.map((x) => `${x.num}/${x.den}`).join())),
        expected,
        `seed ${seed}: improvements`,
      );
      const welfare = actual.map((u) => u.reduce((s, x) => s + Number(x.num) / Number(x.den), 0));
      for (let i = 1; i < welfare.length; i++)
        assert.ok(welfare[i - 1]! >= welfare[i]! - 1e-12, `seed ${seed}: best first`);
    }
  });
});

describe('zone of possible agreement', () => {
  /** Brute force: does an outcome satisfy these requirements? */
  function satisfiable(
    problem: NegotiationProblem,
    reservations: readonly Rational[],
    requirements: readonly Requirement[],
  ): boolean {
    const relaxed: NegotiationProblem = {
      ...problem,
      redLines: (problem.redLines ?? []).filter((_, i) =>
        requirements.some((r) => r.kind === 'redLine' && r.index === i),
      ),
      constraints: (problem.constraints ?? []).filter((_, i) =>
        requirements.some((r) => r.kind === 'constraint' && r.index === i),
      ),
    };
    const oracle = bruteForce(
      relaxed,
      problem.parties.map(() => rational(0n)),
    );
    return oracle.vectors.some((v) =>
      requirements.every(
        (r) =>
          r.kind !== 'reservation' ||
          compareRational(rational(v.numerators[r.party]!, oracle.denominators[r.party]!), reservations[r.party]!) >= 0,
      ),
    );
  }

  it('when no agreement is possible, the conflict found is minimal and really conflicts', () => {
    let impossible = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const problem = randomProblem(seed, {
        parties: 2 + (seed % 3),
        issues: 3,
        maxOptions: 3,
        values: 'coarse',
        redLines: 2,
        constraints: 2,
      });
      const random = seeded(seed);
      const reservations = problem.parties.map(() => rational(BigInt(5 + Math.floor(random() * 5)), 10n));
      const analysis = analyzeNegotiation(problem, { reservations });
      const oracle = bruteForce(problem, reservations);
      assert.equal(analysis.agreement.possible, oracle.maxWelfare !== null, `seed ${seed}`);
      if (analysis.agreement.possible) {
        assert.deepEqual(analysis.agreement.conflict, []);
        continue;
      }
      impossible++;
      const conflict = analysis.agreement.conflict;
      assert.ok(conflict.length > 0);
      assert.equal(satisfiable(problem, reservations, conflict), false, `seed ${seed}: the conflict is unsatisfiable`);
      for (const dropped of conflict) {
        assert.equal(
          satisfiable(
            problem,
            reservations,
            conflict.filter((r) => r !== dropped),
          ),
          true,
          `seed ${seed}: dropping ${JSON.stringify(dropped)} resolves it`,
        );
      }
    }
    assert.ok(impossible >= 5, `only ${impossible} impossible cases generated`);
  });
});
