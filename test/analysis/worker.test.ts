import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyzeInWorker,
  analyzeNegotiation,
  frontierPage,
  paretoFrontier,
  portableAnalysis,
  type AgreementPoint,
} from '../../src/analysis/index.ts';
import {
  ANALYSIS_POOL_SIZE,
  closeAnalysisWorkers,
  idleAnalysisWorkers,
  streamFrontierInWorker,
} from '../../src/analysis/worker.ts';
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

  it('keeps a warm worker between analyses, drops an aborted one, and closes the idle ones', async () => {
    await closeAnalysisWorkers();
    const limits = { maxOldGenerationSizeMb: 256 };
    await analyzeInWorker(loadFixture('Laptop'), { resourceLimits: limits });
    assert.equal(idleAnalysisWorkers(limits), 1);
    // The same worker again: still one idle, none started beside it.
    const second = await analyzeInWorker(loadFixture('Vacation'), { resourceLimits: limits });
    assert.deepEqual(second, portableAnalysis(analyzeNegotiation(loadFixture('Vacation'))));
    assert.equal(idleAnalysisWorkers(limits), 1);
    // Two at once: a second worker starts; both are kept up to the pool's size.
    await Promise.all(
      [loadFixture('Laptop'), loadFixture('Party')].map((p) => analyzeInWorker(p, { resourceLimits: limits })),
    );
    assert.equal(idleAnalysisWorkers(limits), Math.min(2, ANALYSIS_POOL_SIZE));
    // A failed analysis leaves its worker usable.
    await assert.rejects(
      analyzeInWorker(loadFixture('Laptop'), { resourceLimits: limits, reservations: [] }),
      /0 reservation/,
    );
    assert.equal(idleAnalysisWorkers(limits), Math.min(2, ANALYSIS_POOL_SIZE));
    // An aborted one is terminated, not pooled.
    const controller = new AbortController();
    const idleBefore = idleAnalysisWorkers(limits);
    const running = analyzeInWorker(loadFixture('EnergyGrid'), { resourceLimits: limits, signal: controller.signal });
    assert.equal(idleAnalysisWorkers(limits), idleBefore - 1);
    controller.abort();
    await assert.rejects(running, /aborted/);
    assert.equal(idleAnalysisWorkers(limits), idleBefore - 1);
    await closeAnalysisWorkers();
    assert.equal(idleAnalysisWorkers(limits), 0);
    // After closing, an analysis starts a worker again.
    assert.equal((await analyzeInWorker(loadFixture('Laptop'), { resourceLimits: limits })).pareto.length, 4);
    await closeAnalysisWorkers();
  });

  it('streams the whole frontier in order, one chunk at a time, the next only once the last was taken', async () => {
    const problem = randomProblem(1, { parties: 3, issues: 6, maxOptions: 4, values: 'fine', redLines: 1 });
    const frontier = paretoFrontier(problem);
    assert.ok(frontier.size > 14, `frontier of ${frontier.size}`);
    const received: AgreementPoint[] = [];
    let inFlight = 0;
    let size = -1;
    await streamFrontierInWorker(
      problem,
      async (rows, offset) => {
        inFlight++;
        assert.equal(inFlight, 1, 'a chunk arrived before the previous one was taken');
        assert.equal(offset, received.length);
        assert.ok(rows.length <= 7);
        await new Promise((resolve) => setImmediate(resolve));
        received.push(...rows);
        inFlight--;
      },
      { chunk: 7, onSize: (n) => (size = n) },
    );
    assert.equal(size, frontier.size);
    assert.deepEqual(received, frontierPage(frontier, 0, frontier.size));
    // A reader that gives up stops the stream; the pool still answers afterwards.
    await assert.rejects(
      streamFrontierInWorker(problem, () => Promise.reject(new Error('client went away')), { chunk: 7 }),
      /client went away/,
    );
    assert.equal((await analyzeInWorker(loadFixture('Laptop'))).pareto.length, 4);
    await closeAnalysisWorkers();
  });
});
