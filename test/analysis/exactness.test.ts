import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyzeNegotiation,
  parseDecimal,
  rational,
  type FrontierStrategy,
  type NegotiationProblem,
  type Preferences,
} from '../../src/analysis/index.ts';
import { checkProblem } from './check.ts';

const STRATEGIES: FrontierStrategy[] = ['merge', 'search', 'enumerate'];

function discreteProblem(options: number, issues: number, parties: Preferences[]): NegotiationProblem {
  return {
    space: {
      name: 'test',
      issues: Array.from({ length: issues }, (_, i) => ({
        name: `i${i}`,
        type: 'discrete' as const,
        options: Array.from({ length: options }, (_, o) => `o${o}`),
      })),
    },
    parties,
  };
}

function additive(weights: string[], evaluations: string[][]): Preferences {
  return {
    name: 'p',
    reservation: rational(0n),
    utility: {
      kind: 'additive',
      weights: weights.map((w) => parseDecimal(w)!),
      evaluations: evaluations.map((row) => row.map((e) => parseDecimal(e)!)),
    },
  };
}

describe('exact comparisons', () => {
  it('tells apart utilities that differ by less than one double rounding step', () => {
    // 0.30000000000000000001 and 0.3 are the same double; exactly, option 1 is better for party 1
    // and option 0 is better for party 2, so both outcomes are Pareto-optimal.
    const long = '0.12345678901234567890123';
    const problem = discreteProblem(2, 2, [
      additive(
        ['0.5', '0.5'],
        [
          ['0.3', '0.30000000000000000001'],
          ['1', long],
        ],
      ),
      additive(
        ['0.5', '0.5'],
        [
          ['0.30000000000000000001', '0.3'],
          ['1', long],
        ],
      ),
    ]);
    for (const strategy of STRATEGIES) {
      const frontier = analyzeNegotiation(problem, { strategy }).frontier!;
      assert.equal(frontier.size, 2, strategy);
    }
    checkProblem(problem, STRATEGIES, 'near-tie');
  });

  it('merges utilities that are equal exactly though their doubles differ', () => {
    // Weights with 20 decimals put the sums beyond 2^53 units, where doubles round:
    // w·0.1 + w·0.7 and w·0.8 are then equal only in exact arithmetic.
    const w = '0.33333333333333333333';
    const base = discreteProblem(2, 3, [
      additive(
        [w, w, '0.33333333333333333334'],
        [
          ['0.1', '0.8'],
          ['0.7', '0'],
          ['1', '1'],
        ],
      ),
      additive(
        [w, w, '0.33333333333333333334'],
        [
          ['1', '1'],
          ['1', '1'],
          ['1', '1'],
        ],
      ),
    ]);
    // Forbid the combination that would beat both ties.
    const problem: NegotiationProblem = {
      ...base,
      constraints: [
        {
          forbids: [
            { issue: 0, options: [1] },
            { issue: 1, options: [0] },
          ],
        },
      ],
    };
    for (const strategy of STRATEGIES) {
      const frontier = analyzeNegotiation(problem, { strategy }).frontier!;
      assert.equal(frontier.size, 1, strategy);
      assert.equal(frontier.counts[0], 4, strategy);
      assert.deepEqual(frontier.representative(0), [0, 0, 0], strategy);
    }
    checkProblem(problem, STRATEGIES, 'decimal tie');
  });

  it('represents a shared utility vector by its lexicographically smallest outcome, with the count of all', () => {
    const flat = Array.from({ length: 3 }, () => ['1', '1', '1']);
    const problem = discreteProblem(3, 3, [
      additive(['0.25', '0.25', '0.5'], flat),
      additive(['0.5', '0.25', '0.25'], flat),
    ]);
    for (const strategy of STRATEGIES) {
      const frontier = analyzeNegotiation(problem, { strategy }).frontier!;
      assert.equal(frontier.size, 1, strategy);
      assert.equal(frontier.counts[0], 27, strategy);
      assert.deepEqual(frontier.representative(0), [0, 0, 0], strategy);
    }
    // Ties reached through different partial outcomes: issue 0's best options differ per party.
    const crossed = discreteProblem(3, 3, [
      additive(
        ['0.4', '0.3', '0.3'],
        [
          ['0', '1', '1'],
          ['1', '0', '1'],
          ['1', '1', '0'],
        ],
      ),
      additive(
        ['0.4', '0.3', '0.3'],
        [
          ['1', '1', '0'],
          ['0', '1', '1'],
          ['1', '0', '1'],
        ],
      ),
    ]);
    checkProblem(crossed, STRATEGIES, 'crossed ties');
  });
});

describe('problem validation', () => {
  it('names the red line, constraint or utility function that refers to nothing', () => {
    const problem = discreteProblem(2, 2, [
      additive(
        ['0.5', '0.5'],
        [
          ['1', '0'],
          ['0', '1'],
        ],
      ),
    ]);
    assert.throws(
      () => analyzeNegotiation({ ...problem, redLines: [{ issue: 5, option: 0 }] }),
      /red line 1: issue 5 does not exist/,
    );
    assert.throws(
      () => analyzeNegotiation({ ...problem, constraints: [{ forbids: [{ issue: 1, options: [7] }] }] }),
      /constraint 1: option 7 of issue "i1" does not exist/,
    );
    assert.throws(
      () => analyzeNegotiation(discreteProblem(3, 2, problem.parties as Preferences[])),
      /issue "i0" needs 3 evaluations, has 2/,
    );
  });
});

describe('no feasible outcome at all', () => {
  it('red lines that rule out every option of an issue: empty frontier, no points, the red lines named', () => {
    const base = discreteProblem(2, 2, [
      additive(
        ['0.5', '0.5'],
        [
          ['1', '0'],
          ['0', '1'],
        ],
      ),
      additive(
        ['0.5', '0.5'],
        [
          ['0', '1'],
          ['1', '0'],
        ],
      ),
    ]);
    const problem: NegotiationProblem = {
      ...base,
      redLines: [
        { issue: 1, option: 0 },
        { issue: 0, option: 1 },
        { issue: 1, option: 1 },
      ],
    };
    for (const strategy of STRATEGIES) {
      const analysis = analyzeNegotiation(problem, { strategy });
      assert.equal(analysis.frontier!.size, 0, strategy);
      assert.equal(analysis.nash, null);
      assert.equal(analysis.egalitarian, null);
      assert.equal(analysis.parties[0]!.maxUtility, null);
      assert.equal(analysis.agreement.possible, false);
      assert.deepEqual(analysis.agreement.conflict, [
        { kind: 'redLine', index: 0 },
        { kind: 'redLine', index: 2 },
      ]);
    }
  });
});

describe('degenerate spaces', () => {
  it('a space without issues has one outcome, the empty one', () => {
    for (const strategy of STRATEGIES) {
      const analysis = analyzeNegotiation(discreteProblem(2, 0, [additive([], []), additive([], [])]), { strategy });
      assert.equal(analysis.frontier!.size, 1, strategy);
      assert.deepEqual(analysis.frontier!.representative(0), []);
      assert.equal(analysis.outcomes, 1n);
    }
  });
});

describe('branch and bound searches issues in its own order', () => {
  it('still represents each vector by its lexicographically smallest outcome', () => {
    // u = 1 when the two issues differ. Issue 1 carries more conditions, so the search takes it
    // first and meets (1, 0) before (0, 1); the representative must still be (0, 1).
    const option = (value: number) => ({ issue: 0, options: [value] });
    const other = (value: number) => ({ issue: 1, options: [value] });
    const space = {
      name: 'order',
      issues: [0, 1].map((i) => ({
        name: `i${i}`,
        type: 'integer' as const,
        options: ['0', '1'],
        lowerBound: rational(0n),
        upperBound: rational(1n),
      })),
    };
    const party: Preferences = {
      name: 'p',
      reservation: rational(0n),
      utility: {
        kind: 'hyperrectangle',
        maxUtility: rational(1n),
        weight: rational(1n),
        rectangles: [
          { utility: rational(1n), conditions: [option(0), other(1)] },
          { utility: rational(1n), conditions: [option(1), other(0)] },
          { utility: rational(0n), conditions: [{ issue: 1, options: [0, 1] }] },
        ],
      },
    };
    const problem: NegotiationProblem = { space, parties: [party, party] };
    for (const strategy of STRATEGIES.filter((s) => s !== 'merge')) {
      const frontier = analyzeNegotiation(problem, { strategy }).frontier!;
      assert.equal(frontier.size, 1, strategy);
      assert.equal(frontier.counts[0], 2, strategy);
      assert.deepEqual(frontier.representative(0), [0, 1], strategy);
    }
  });
});
