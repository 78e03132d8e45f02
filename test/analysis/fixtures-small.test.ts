import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, analyzeNegotiation, parseDecimal, toNumber } from '../../src/analysis/index.ts';
import { assertJsonMatches, checkProblem } from './check.ts';
import { analyzeJson } from './cli-json.ts';
import { fixtureFiles, loadFixture } from './fixtures.ts';

/** Fixtures small enough to run every engine against brute force. */
export const SMALL = [
  'Laptop',
  'ItexvsCypress',
  'EnglandZimbabwe',
  'Party',
  'Grocery',
  'Amsterdam',
  'Camera',
  'Vacation',
  'Wholesaler',
  'Politics',
  'Supermarket',
];

describe('GENIUS fixtures: every engine equals brute force', () => {
  for (const name of SMALL) {
    it(`${name}: frontier, counts, representatives and the four points are exact`, async () => {
      const problem = loadFixture(name);
      const oracle = checkProblem(problem, ['auto', 'merge', 'search', 'enumerate'], name);
      // parley analyze --json carries the same answers.
      const { domain, profiles } = fixtureFiles(name);
      assertJsonMatches(await analyzeJson([domain, ...profiles]), oracle, name);
    });
  }

  it('uses GENIUS weights as written, even when they do not sum to 1 (Laptop: 1.0000518)', () => {
    const problem = loadFixture('Laptop');
    const analysis = analyzeNegotiation(problem);
    // The buyer's best laptop scores the top evaluation (30 of 30) on every issue: the weights' sum.
    const expected = ['0.4452125771655631', '0.37808251708013424', '0.1767567099260568']
      .map((w) => parseDecimal(w)!)
      .reduce(add);
    assert.deepEqual(analysis.parties[0]!.maxUtility, expected);
    assert.ok(toNumber(expected) > 1);
  });
});
