import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { AnalysisOptions } from './analyze.ts';
import type { NegotiationProblem } from './model.ts';
import type { PortableAnalysis } from './portable.ts';

/**
 * The worker's script, next to this module: compiled (dist/analysis/worker.js), the compiled
 * worker-main.js; from the sources (worker.ts under tsx, as in the tests), worker-entry.js, which
 * registers tsx for the worker thread before it imports worker-main.ts.
 */
const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './worker-entry.js' : './worker-main.js', import.meta.url);

export interface WorkerAnalysisOptions extends Omit<AnalysisOptions, 'onProgress' | 'budget'> {
  /** The bargaining points' time budget in milliseconds, from when the worker starts (the worker's clock). */
  readonly budgetMs?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Aborting terminates the worker and rejects the promise. */
  readonly signal?: AbortSignal;
  /** The worker's memory limits; past them it stops, and the promise rejects saying so. */
  readonly resourceLimits?: ResourceLimits;
}

/**
 * Runs `analyzeNegotiation` on a worker thread, so that a server stays
 * responsive while a large analysis runs, and several analyses use several
 * cores. Resolves with the analysis as plain data.
 */
export function analyzeInWorker(
  problem: NegotiationProblem,
  options: WorkerAnalysisOptions = {},
): Promise<PortableAnalysis> {
  const { onProgress, signal, resourceLimits, ...rest } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('analysis aborted'));
    const worker = new Worker(ENTRY, {
      workerData: { problem, options: rest },
      ...(resourceLimits ? { resourceLimits } : {}),
    });
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      action();
      void worker.terminate();
    };
    const abort = () => settle(() => reject(new Error('analysis aborted')));
    signal?.addEventListener('abort', abort);
    worker.on(
      'message',
      (
        message:
          | { kind: 'progress'; done: number; total: number }
          | { kind: 'result'; analysis: PortableAnalysis }
          | { kind: 'error'; message: string },
      ) => {
        if (message.kind === 'progress') onProgress?.(message.done, message.total);
        else if (message.kind === 'result') settle(() => resolve(message.analysis));
        else settle(() => reject(new Error(message.message)));
      },
    );
    worker.on('error', (error: Error & { code?: string }) =>
      settle(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new Error(
                `the analysis needed more memory than its limit${resourceLimits?.maxOldGenerationSizeMb ? ` (${resourceLimits.maxOldGenerationSizeMb} MB)` : ''}`,
              )
            : error,
        ),
      ),
    );
    worker.on('exit', (code) => settle(() => reject(new Error(`analysis worker exited with code ${code}`))));
  });
}
