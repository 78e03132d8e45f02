// A pooled analysis worker thread (worker.ts lends it to one job at a time). Compiled, it runs as
// dist/analysis/worker-main.js; from the sources, worker-entry.js registers tsx and imports it.
import { parentPort } from 'node:worker_threads';
import { FRONTIER_TIME_MS, analyzeNegotiation, frontierPage, paretoFrontier } from './analyze.ts';
import { portableAnalysis } from './portable.ts';
import type { WorkerReply, WorkerRequest } from './worker.ts';

const port = parentPort!;
/** Without a budget, how long a draft's improvements are searched when the frontier is not listed. */
const DRAFT_BUDGET_MS = 10_000;
const post = (reply: WorkerReply) => port.postMessage(reply);
/** The streaming job waiting for the main thread to take its last chunk. */
let waiting: { job: number; resume: () => void } | null = null;

port.on('message', (request: WorkerRequest) => {
  if (request.kind === 'more') {
    if (waiting?.job === request.job) waiting.resume();
    return;
  }
  void run(request).catch((error: unknown) =>
    post({ kind: 'error', job: request.job, message: error instanceof Error ? error.message : String(error) }),
  );
});

async function run(request: Exclude<WorkerRequest, { kind: 'more' }>): Promise<void> {
  const { job } = request;
  const onProgress = (done: number, total: number) => post({ kind: 'progress', job, done, total });
  if (request.kind === 'analyze') {
    const { budgetMs, ...rest } = request.options;
    const now = () => performance.now();
    const end = budgetMs === undefined ? undefined : now() + budgetMs;
    // With a draft, its improvements (searched directly when the frontier is not listed) get the last third.
    const analysis = analyzeNegotiation(request.problem, {
      ...rest,
      ...(end === undefined
        ? {}
        : {
            budget: { now, deadline: request.draft ? now() + (budgetMs! * 2) / 3 : end },
            // The worker's clock is in milliseconds: a frontier not listed within the desk's cap is too long to read.
            frontierTime: rest.frontierTime ?? FRONTIER_TIME_MS,
          }),
      onProgress,
    });
    const draft = request.draft ? { problem: request.problem, outcome: request.draft } : undefined;
    const draftBudget = { now, deadline: end ?? now() + DRAFT_BUDGET_MS };
    post({ kind: 'result', job, analysis: portableAnalysis(analysis, draft, draftBudget) });
    return;
  }
  const frontier = paretoFrontier(request.problem, { strategy: request.options.strategy, onProgress });
  post({ kind: 'size', job, size: frontier.size });
  const chunk = Math.max(1, request.chunk);
  for (let offset = 0; offset < frontier.size; offset += chunk) {
    const taken = new Promise<void>((resolve) => (waiting = { job, resume: resolve }));
    post({ kind: 'rows', job, offset, rows: frontierPage(frontier, offset, chunk) });
    await taken;
    waiting = null;
  }
  post({ kind: 'end', job });
}
