// The analysis worker thread (analyzeInWorker). Compiled, it runs as dist/analysis/worker-main.js;
// from the sources, worker-entry.js registers tsx and imports it.
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeNegotiation } from './analyze.ts';
import { portableAnalysis } from './portable.ts';
import type { WorkerAnalysisOptions } from './worker.ts';
import type { NegotiationProblem } from './model.ts';

const port = parentPort!;
try {
  const { problem, options } = workerData as {
    problem: NegotiationProblem;
    options: Omit<WorkerAnalysisOptions, 'onProgress' | 'signal'>;
  };
  const { budgetMs, ...rest } = options;
  const now = () => performance.now();
  const analysis = analyzeNegotiation(problem, {
    ...rest,
    ...(budgetMs === undefined ? {} : { budget: { now, deadline: now() + budgetMs } }),
    onProgress: (done, total) => port.postMessage({ kind: 'progress', done, total }),
  });
  port.postMessage({ kind: 'result', analysis: portableAnalysis(analysis) });
} catch (error) {
  port.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
}
