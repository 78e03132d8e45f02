/**
 * The real-table cases of `npm run bench:analysis`: seeded domains of 2–7 parties × 8–28 issues ×
 * 3–5 options (bench/synthetic.ts `realTableDomain`), each answered by the engine and, in the same
 * process, by two baselines: the frontier-first path (the exact Pareto frontier, then the points on
 * it) and plain enumeration where the space is small enough. Every method runs on a worker thread
 * stopped at the case's time limit; the bargaining points of every method that finished must be the
 * same exact utilities (the run exits with code 1 otherwise).
 */
import { Worker } from 'node:worker_threads';
import { outcomeCount } from '../src/analysis/index.ts';
import type { Measured, Method } from './real-table-worker.ts';
import { POINTS } from './real-table-worker.ts';
import { realTableDomain, type RealTableOptions } from './synthetic.ts';

export interface RealTableRun {
  /** Fewer cases and a shorter limit. */
  quick: boolean;
  /** Seconds each method may run on each case. */
  timeoutSeconds: number;
}

export type Outcome = Measured | { failed: string };

export function measureOn(method: Method, table: RealTableOptions, timeoutSeconds: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./real-table-entry.js', import.meta.url), {
      workerData: { method, table },
      resourceLimits: { maxOldGenerationSizeMb: 1536 },
    });
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ failed: `> ${timeoutSeconds} s` }), timeoutSeconds * 1000);
    worker.on('message', (measured: Measured) => settle(measured));
    worker.on('error', (error: Error & { code?: string }) =>
      settle({ failed: error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out of memory (1.5 GB)' : error.message }),
    );
    worker.on('exit', (code) => settle({ failed: `exited (${code})` }));
  });
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
const shown = (outcome: Outcome | null) =>
  outcome === null ? 'n/a' : 'failed' in outcome ? outcome.failed : fmt(outcome.ms);

/** Runs the cases and prints their table (Markdown); returns false when two methods disagree. */
export async function runRealTable({ quick, timeoutSeconds }: RealTableRun): Promise<boolean> {
  const parties = quick ? [2, 3, 4, 5, 7] : [2, 3, 4, 5, 6, 7];
  const issues = quick ? [8, 14, 28] : [8, 14, 20, 28];
  /** Enumeration where the space has at most this many outcomes (its Pareto archive is a list scan beyond 2 parties). */
  const enumerationLimit = quick ? 200_000n : 2_000_000n;
  console.log(
    `\nReal-table cases (seed 1; options 3–5 an issue; each method on a worker thread, stopped after ${timeoutSeconds} s)\n`,
  );
  console.log(
    '| parties × issues | outcomes | frontier vectors | engine ms | frontier-first ms | enumeration ms | ratio (frontier-first ÷ engine) | points agree |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  let agreed = true;
  // The issue's target last: 7 parties × 28 issues, every issue with 5 options.
  const cases: RealTableOptions[] = [
    ...parties.flatMap((p) => issues.map((i) => ({ parties: p, issues: i, seed: 1 }))),
    { parties: 7, issues: 28, seed: 1, minOptions: 5, maxOptions: 5 },
  ];
  for (const table of cases) {
    {
      const p = table.parties;
      const i = `${table.issues}${table.minOptions === 5 ? ' × 5' : ''}`;
      const outcomes = outcomeCount(realTableDomain(table).space);
      const engine = await measureOn('engine', table, timeoutSeconds);
      const frontier = await measureOn('frontier', table, timeoutSeconds);
      const enumeration = outcomes <= enumerationLimit ? await measureOn('enumerate', table, timeoutSeconds) : null;
      const finished = [engine, frontier, enumeration].filter((o): o is Measured => o !== null && !('failed' in o));
      const differs = POINTS.filter((name) =>
        finished.some((o) => JSON.stringify(o.points[name]) !== JSON.stringify(finished[0]!.points[name])),
      );
      if (differs.length > 0) agreed = false;
      const size = finished.find((o) => o.frontierSize !== null)?.frontierSize;
      const ratio =
        'failed' in engine
          ? 'n/a'
          : 'failed' in frontier
            ? `> ${(timeoutSeconds * 1000) / engine.ms < 10 ? ((timeoutSeconds * 1000) / engine.ms).toFixed(1) : ((timeoutSeconds * 1000) / engine.ms).toFixed(0)}×`
            : `${(frontier.ms / engine.ms).toFixed(1)}×`;
      console.log(
        `| ${p} × ${i} | ${outcomes.toLocaleString('en')} | ${size?.toLocaleString('en') ?? 'n/a'} | ${shown(engine)} | ${shown(frontier)} | ${shown(enumeration)} | ${ratio} | ${finished.length < 2 ? 'n/a' : differs.length === 0 ? 'yes' : `NO: ${differs.join(', ')}`} |`,
      );
    }
  }
  return agreed;
}
