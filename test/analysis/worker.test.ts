import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeInWorker, analyzeNegotiation, portableAnalysis } from '../../src/analysis/index.ts';
import { loadFixture } from './fixtures.ts';
import { randomProblem } from './random.ts';

describe('analysis on worker threads', () => {
  it('gives the same answers as in process, for fixtures and constrained problems, two at a time', async () => {
    const problems = [
      loadFixture('Vacation'),
      loadFixture('Energy'),
      randomProblem(9, {
        parties: 3,
        issues: 5,
        maxOptions: 4,
        values: 'fine',
        redLines: 2,
        constraints: 2,
        reservations: true,
      }),
    ];
    const results = await Promise.all(problems.map((problem) => analyzeInWorker(problem)));
    results.forEach((result, i) => assert.deepEqual(result, portableAnalysis(analyzeNegotiation(problems[i]!))));
  });

  it('reports errors and honours an abort signal', async () => {
    const problem = loadFixture('Laptop');
    await assert.rejects(analyzeInWorker(problem, { reservations: [] }), /0 reservation values for 2 parties/);
    const controller = new AbortController();
    const running = analyzeInWorker(loadFixture('EnergyGrid'), { signal: controller.signal });
    controller.abort();
    await assert.rejects(running, /aborted/);
  });
});
