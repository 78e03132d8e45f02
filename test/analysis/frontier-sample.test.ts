import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyzeNegotiation,
  frontierPoint,
  frontierSample,
  FRONTIER_SAMPLE,
  portableAnalysis,
  READABLE_FRONTIER,
} from '../../src/analysis/index.ts';
import { settlementOf } from '../../src/core/settlement.ts';
import { opposedDomain } from '../../bench/synthetic.ts';
import { loadFixture } from './fixtures.ts';

describe('a frontier too long to read: its exact size and a sample spread along it', () => {
  const problem = opposedDomain({ parties: 4, issues: 8, options: 4, seed: 1 });
  const analysis = analyzeNegotiation(problem);
  const frontier = analysis.frontier!;

  it('lists a readable frontier whole, and a longer one as a sample with its exact size', () => {
    assert.ok(frontier.size > READABLE_FRONTIER, `a frontier of ${frontier.size}`);
    const portable = portableAnalysis(analysis);
    assert.equal(portable.frontierSize, frontier.size);
    assert.ok(portable.pareto.length <= FRONTIER_SAMPLE && portable.pareto.length >= FRONTIER_SAMPLE - 4);
    assert.deepEqual(
      portable.pareto,
      portable.paretoIndexes.map((index) => frontierPoint(frontier, index)),
    );
    const small = portableAnalysis(analyzeNegotiation(loadFixture('Vacation')));
    assert.equal(small.pareto.length, small.frontierSize);
    assert.deepEqual(
      small.paretoIndexes,
      small.pareto.map((_, i) => i),
    );
  });

  it('samples deterministically: both ends, each party’s best, evenly spaced in the frontier’s order', () => {
    const sample = frontierSample(frontier);
    assert.deepEqual(frontierSample(frontier), sample);
    assert.deepEqual(
      sample,
      [...new Set(sample)].sort((a, b) => a - b),
    );
    assert.equal(sample[0], 0);
    assert.equal(sample.at(-1), frontier.size - 1);
    for (let p = 0; p < frontier.parties; p++) {
      let best = 0;
      for (let i = 0; i < frontier.size; i++)
        if (frontier.exactNumerator(i, p) > frontier.exactNumerator(best, p)) best = i;
      assert.ok(
        sample.some((i) => frontier.exactNumerator(i, p) === frontier.exactNumerator(best, p)),
        `party ${p + 1}'s best`,
      );
    }
    // No stretch of the frontier's order is left out: the gaps are even.
    const gaps = sample.slice(1).map((index, k) => index - sample[k]!);
    assert.ok(Math.max(...gaps) <= Math.ceil(frontier.size / (FRONTIER_SAMPLE - frontier.parties - 1)) + 1);
  });

  it("the desk's answer says it holds a sample, how long the frontier is, and where each package lies in it", () => {
    const included = problem.parties.map((party) => party.name);
    const settlement = settlementOf(problem, included, [], [], portableAnalysis(analysis), {});
    assert.equal(settlement.frontierTruncated, true);
    assert.equal(settlement.frontierSize, frontier.size);
    assert.equal(settlement.frontier.length, settlement.frontierIndexes.length);
    assert.deepEqual(settlement.frontierIndexes, frontierSample(frontier));
  });
});
