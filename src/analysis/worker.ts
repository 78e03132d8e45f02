import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { AgreementPoint, AnalysisOptions } from './analyze.ts';
import type { NegotiationProblem, Outcome } from './model.ts';
import type { PortableAnalysis } from './portable.ts';

/**
 * The worker's script, next to this module: compiled (dist/analysis/worker.js), the compiled
 * worker-main.js; from the sources (worker.ts under tsx, as in the tests), worker-entry.js, which
 * registers tsx for the worker thread before it imports worker-main.ts.
 */
const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './worker-entry.js' : './worker-main.js', import.meta.url);

export interface WorkerAnalysisOptions extends Omit<AnalysisOptions, 'onProgress' | 'budget' | 'check'> {
  /** The bargaining points' time budget in milliseconds, from when the worker starts (the worker's clock). */
  readonly budgetMs?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Aborting terminates the worker and rejects the promise. */
  readonly signal?: AbortSignal;
  /** The worker's memory limits; past them it stops, and the promise rejects saying so. */
  readonly resourceLimits?: ResourceLimits;
  /** A draft package: the answer then carries the packages that improve on it (`improvements`). */
  readonly draft?: Outcome;
}

/** What the main thread asks of a pooled worker, and what it answers (worker-main.ts). */
export type WorkerRequest =
  | {
      kind: 'analyze';
      job: number;
      problem: NegotiationProblem;
      /** A function cannot cross to a worker: the budget goes as milliseconds, from when the worker takes the job. */
      options: Omit<AnalysisOptions, 'onProgress' | 'budget' | 'check'> & { budgetMs?: number };
      draft?: Outcome;
    }
  | {
      kind: 'frontier';
      job: number;
      problem: NegotiationProblem;
      options: Omit<AnalysisOptions, 'onProgress' | 'budget' | 'check'>;
      /** Frontier vectors per message. */
      chunk: number;
    }
  /** The main thread took the last chunk: send the next. */
  | { kind: 'more'; job: number };

export type WorkerReply =
  | { kind: 'progress'; job: number; done: number; total: number }
  | { kind: 'result'; job: number; analysis: PortableAnalysis }
  | { kind: 'size'; job: number; size: number }
  | { kind: 'rows'; job: number; offset: number; rows: AgreementPoint[] }
  | { kind: 'end'; job: number }
  | { kind: 'error'; job: number; message: string };

/**
 * Warm analysis workers kept between analyses: starting a worker thread costs tens of milliseconds
 * (on the demo, 41 of a desk request's 46 ms), so the desk keeps `ANALYSIS_POOL_SIZE` of them idle.
 * A worker is lent to one analysis at a time; when none is idle another starts, and is kept afterwards
 * only while fewer than the pool's size are idle. An aborted analysis terminates its worker (a thread
 * cannot be interrupted otherwise); one that ran out of memory has stopped: neither comes back.
 * Idle workers do not keep the process alive.
 */
export const ANALYSIS_POOL_SIZE = Math.max(1, availableParallelism() - 1);

class Pooled {
  /** Set while lent to an analysis: where its replies go. */
  onReply: ((reply: WorkerReply) => void) | null = null;
  onFailure: ((error: Error & { code?: string }) => void) | null = null;
  dead = false;
  constructor(readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => this.onReply?.(reply));
    worker.on('error', (error: Error) => {
      this.dead = true;
      this.onFailure?.(error);
    });
    worker.on('exit', (code) => {
      this.dead = true;
      this.onFailure?.(new Error(`analysis worker exited with code ${code}`));
    });
  }
}

const pools = new Map<string, Pooled[]>();
let nextJob = 1;

function poolKey(limits: ResourceLimits | undefined): string {
  return JSON.stringify(limits ?? {});
}

function spawn(limits: ResourceLimits | undefined): Pooled {
  return new Pooled(new Worker(ENTRY, limits ? { resourceLimits: limits } : {}));
}

function acquire(limits: ResourceLimits | undefined): Pooled {
  const idle = pools.get(poolKey(limits)) ?? [];
  let pooled = idle.pop();
  while (pooled?.dead) pooled = idle.pop();
  if (!pooled) pooled = spawn(limits);
  pooled.worker.ref();
  return pooled;
}

function release(pooled: Pooled, limits: ResourceLimits | undefined, healthy: boolean): void {
  pooled.onReply = null;
  pooled.onFailure = null;
  const key = poolKey(limits);
  const idle = pools.get(key) ?? [];
  if (!healthy || pooled.dead || idle.length >= ANALYSIS_POOL_SIZE) {
    void pooled.worker.terminate();
    return;
  }
  pooled.worker.unref();
  idle.push(pooled);
  pools.set(key, idle);
}

/** Starts the pool's workers ahead of the first analysis (a server at start), for these memory limits. */
export function warmAnalysisWorkers(limits?: ResourceLimits): void {
  const key = poolKey(limits);
  const idle = pools.get(key) ?? [];
  while (idle.length < ANALYSIS_POOL_SIZE) {
    const pooled = spawn(limits);
    pooled.worker.unref();
    idle.push(pooled);
  }
  pools.set(key, idle);
}

/** Terminates the idle workers (a closing server); analyses running go on, and later ones start workers again. */
export async function closeAnalysisWorkers(): Promise<void> {
  const idle = [...pools.values()].flat();
  pools.clear();
  await Promise.all(idle.map((pooled) => pooled.worker.terminate()));
}

/** How many workers are idle in the pool, for these memory limits (for tests and measurements). */
export function idleAnalysisWorkers(limits?: ResourceLimits): number {
  return (pools.get(poolKey(limits)) ?? []).filter((pooled) => !pooled.dead).length;
}

function failure(error: Error & { code?: string }, limits: ResourceLimits | undefined): Error {
  return error.code === 'ERR_WORKER_OUT_OF_MEMORY'
    ? new Error(
        `the analysis needed more memory than its limit${limits?.maxOldGenerationSizeMb ? ` (${limits.maxOldGenerationSizeMb} MB)` : ''}`,
      )
    : error;
}

/**
 * Lends a pooled worker to one job: sends `request(job)`, hands every reply to `onReply` until it
 * calls `finish` (the worker goes back to the pool) or fails (the worker is terminated).
 */
function runOnWorker<T>(
  limits: ResourceLimits | undefined,
  signal: AbortSignal | undefined,
  request: (job: number) => WorkerRequest,
  onReply: (
    reply: WorkerReply,
    finish: (value: T) => void,
    /** `healthy`: false when the worker is left mid-job (it is terminated, not pooled). */
    fail: (error: Error, healthy?: boolean) => void,
    send: (message: WorkerRequest) => void,
  ) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('analysis aborted'));
    const pooled = acquire(limits);
    const job = nextJob++;
    let settled = false;
    const settle = (healthy: boolean, action: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      release(pooled, limits, healthy);
      action();
    };
    const abort = () => settle(false, () => reject(new Error('analysis aborted')));
    signal?.addEventListener('abort', abort);
    const send = (message: WorkerRequest) => {
      if (!settled) pooled.worker.postMessage(message);
    };
    pooled.onFailure = (error) => settle(false, () => reject(failure(error, limits)));
    pooled.onReply = (reply) => {
      if (reply.job !== job) return;
      onReply(
        reply,
        (value) => settle(true, () => resolve(value)),
        (error, healthy = true) => settle(healthy, () => reject(error)),
        send,
      );
    };
    pooled.worker.postMessage(request(job));
  });
}

/**
 * Runs `analyzeNegotiation` on a worker thread of the pool, so that a server stays responsive while a
 * large analysis runs, and several analyses use several cores. Resolves with the analysis as plain data.
 */
export function analyzeInWorker(
  problem: NegotiationProblem,
  options: WorkerAnalysisOptions = {},
): Promise<PortableAnalysis> {
  const { onProgress, signal, resourceLimits, draft, ...rest } = options;
  return runOnWorker<PortableAnalysis>(
    resourceLimits,
    signal,
    (job) => ({ kind: 'analyze', job, problem, options: rest, ...(draft ? { draft } : {}) }),
    (reply, finish, fail) => {
      if (reply.kind === 'progress') onProgress?.(reply.done, reply.total);
      else if (reply.kind === 'result') finish(reply.analysis);
      else if (reply.kind === 'error') fail(new Error(reply.message));
    },
  );
}

export interface FrontierStreamOptions extends WorkerAnalysisOptions {
  /** Frontier vectors per chunk (default 500). */
  readonly chunk?: number;
  /** Called once, when the frontier is known: how many vectors will follow. */
  readonly onSize?: (size: number) => void;
}

/**
 * The whole Pareto frontier of a problem, computed on a pooled worker and handed over in chunks, in
 * the frontier's order: `onRows` gets each chunk and the worker sends the next only when the promise
 * it returns resolves, so a slow reader (an HTTP client) holds one chunk in memory, never the
 * listing. Resolves when the last chunk was taken.
 */
export function streamFrontierInWorker(
  problem: NegotiationProblem,
  onRows: (rows: AgreementPoint[], offset: number) => Promise<void> | void,
  options: FrontierStreamOptions = {},
): Promise<void> {
  const { onProgress, signal, resourceLimits, chunk = 500, onSize, draft: _draft, ...rest } = options;
  return runOnWorker<void>(
    resourceLimits,
    signal,
    (job) => ({ kind: 'frontier', job, problem, options: rest, chunk }),
    (reply, finish, fail, send) => {
      if (reply.kind === 'progress') onProgress?.(reply.done, reply.total);
      else if (reply.kind === 'size') onSize?.(reply.size);
      else if (reply.kind === 'rows')
        Promise.resolve(onRows(reply.rows, reply.offset)).then(
          () => send({ kind: 'more', job: reply.job }),
          (error: unknown) => fail(error instanceof Error ? error : new Error(String(error)), false),
        );
      else if (reply.kind === 'end') finish();
      else if (reply.kind === 'error') fail(new Error(reply.message));
    },
  );
}
