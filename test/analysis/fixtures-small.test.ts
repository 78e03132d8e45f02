import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, analyzeNegotiation, parseDecimal, toNumber } from '../../src/analysis/index.ts';
import { analysisJson } from '../../src/cli/analyze.ts';
import { checkProblem, oracleUtilities } from './check.ts';
import { fixtureFiles, loadFixture } from './fixtures.ts';

/** Fixtures small enough to run every engine against brute force. */
export const SMALL = ['Laptop', 'ItexvsCypress', 'EnglandZimbabwe', 'Party', 'Grocery', 'Amsterdam', 'Camera', 'Vacation', 'Wholesaler', 'Politics', 'Supermarket'];

describe('GENIUS fixtures: every engine equals brute force', () => {
  for (const name of SMALL) {
    it(`${name}: frontier, counts, representatives and the four points are exact`, () => {
      const problem = loadFixture(name);
      const oracle = checkProblem(problem, ['auto', 'merge', 'search', 'enumerate'], name);
      // The CLI's JSON carries the same answers; utilities as numbers within 1e-9.
      const json = analysisJson(problem, fixtureFiles(name).profiles, analyzeNegotiation(problem));
      assert.equal(json.pareto.length, oracle.frontier.length);
      assert.equal(json.outcomes, problem.space.issues.reduce((n, issue) => n * BigInt(issue.options.length), 1n).toString());
      for (const [label, point, expected] of [
        ['nash', json.nash, oracle.nash],
        ['maxWelfare', json.maxWelfare, oracle.maxWelfare],
        ['egalitarian', json.egalitarian, oracle.egalitarian],
        ['kalaiSmorodinsky', json.kalaiSmorodinsky, oracle.kalaiSmorodinsky],
      ] as const) {
        if (!expected) assert.equal(point, null, label);
        else oracleUtilities(oracle, expected).forEach((u, p) => assert.ok(Math.abs(point!.utilities[p]! - toNumber(u)) < 1e-9, `${label} utility ${p}`));
      }
    });
  }

  it('uses GENIUS weights as written, even when they do not sum to 1 (Laptop: 1.0000518)', () => {
    const problem = loadFixture('Laptop');
    const analysis = analyzeNegotiation(problem);
    // The buyer's best laptop scores the top evaluation (30 of 30) on every issue: the weights' sum.
    const expected = ['0.4452125771655631', '0.37808251708013424', '0.1767567099260568'].map((w) => parseDecimal(w)!).reduce(add);
    assert.deepEqual(analysis.parties[0]!.maxUtility, expected);
    assert.ok(toNumber(expected) > 1);
  });
});
