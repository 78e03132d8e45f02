/**
 * The real-table cases of `npm run bench:analysis`: seeded domains of 2–7 parties × 8–28 issues ×
 * 3–5 options (bench/synthetic.ts `realTableDomain`), each answered by the engine (the four points
 * alone, and the settlement desk's whole answer) and, in the same process, by the baselines: the
 * frontier-first path (the exact Pareto frontier, then the points on it), plain enumeration where the
 * space is small enough, and where `python3` is on the PATH a lower bound on a brute-force engine in
 * Python such as NegMAS (bench/brute-force.py: every outcome's utilities summed, nothing else). Every
 * method runs on a worker thread or process stopped at the case's time limit; the bargaining points of
 * every method that finished must be the same exact utilities (the run exits with code 1 otherwise).
 */
import { spawn, spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { outcomeCount, toNumber, type NegotiationProblem } from '../src/analysis/index.ts';
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

/** bench/brute-force.py on the problem's utilities as floats, stopped at the time limit (null: no python3). */
export function pythonLowerBound(problem: NegotiationProblem, timeoutSeconds: number): Promise<Outcome> | null {
  if (spawnSync('python3', ['--version']).status !== 0) return null;
  const values = problem.parties.map((party) => {
    if (party.utility.kind !== 'additive') throw new Error('the real-table domains are additive');
    const { weights, evaluations } = party.utility;
    return evaluations.map((row, i) => row.map((evaluation) => toNumber(weights[i]!) * toNumber(evaluation)));
  });
  return new Promise((resolve) => {
    const child = spawn('python3', [new URL('./brute-force.py', import.meta.url).pathname], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return resolve({ failed: code === null ? `> ${timeoutSeconds} s` : `exited (${code})` });
      const { ms } = JSON.parse(out) as { ms: number };
      resolve({
        ms,
        points: { nash: null, kalaiSmorodinsky: null, maxWelfare: null, egalitarian: null },
        frontierSize: null,
      });
    });
    child.stdin.end(JSON.stringify({ values }));
  });
}

const times = (slow: Outcome | null, fast: Outcome, timeoutSeconds: number): string => {
  if (slow === null || 'failed' in fast) return 'n/a';
  const ratio = 'failed' in slow ? (timeoutSeconds * 1000) / fast.ms : slow.ms / fast.ms;
  return `${'failed' in slow ? '> ' : ''}${ratio < 10 ? ratio.toFixed(1) : ratio.toFixed(0)}×`;
};

/** Runs the cases and prints their table (Markdown); returns false when two methods disagree. */
export async function runRealTable({ quick, timeoutSeconds }: RealTableRun): Promise<boolean> {
  const parties = quick ? [2, 3, 4, 5, 7] : [2, 3, 4, 5, 6, 7];
  const issues = quick ? [8, 14, 28] : [8, 14, 20, 28];
  /** Enumeration where the space has at most this many outcomes (its Pareto archive is a list scan beyond 2 parties). */
  const enumerationLimit = quick ? 200_000n : 2_000_000n;
  console.log(
    `\nReal-table cases (seed 1; options 3–5 an issue unless said; each method on a worker thread or process, stopped after ${timeoutSeconds} s)\n`,
  );
  console.log(
    '| parties × issues | outcomes | frontier vectors | points ms | desk ms | frontier-first ms | enumeration ms | Python brute force ms (a floor under NegMAS) | frontier-first ÷ points | enumeration ÷ points | Python ÷ points | points agree |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  let agreed = true;
  // Spaces a brute force can finish (about a million outcomes, seven parties), then the issue's target last:
  // 7 parties × 28 issues, every issue with 5 options.
  const cases: RealTableOptions[] = [
    ...parties.flatMap((p) => issues.map((i) => ({ parties: p, issues: i, seed: 1 }))),
    ...(quick ? [] : [{ parties: 7, issues: 10, seed: 1, minOptions: 4, maxOptions: 4 }]),
    { parties: 7, issues: 28, seed: 1, minOptions: 5, maxOptions: 5 },
  ];
  for (const table of cases) {
    const p = table.parties;
    const i = `${table.issues}${table.minOptions === table.maxOptions && table.minOptions ? ` × ${table.minOptions}` : ''}`;
    const problem = realTableDomain(table);
    const outcomes = outcomeCount(problem.space);
    const points = await measureOn('points', table, timeoutSeconds);
    const desk = await measureOn('desk', table, timeoutSeconds);
    const frontier = await measureOn('frontier', table, timeoutSeconds);
    const small = outcomes <= enumerationLimit;
    const enumeration = small ? await measureOn('enumerate', table, timeoutSeconds) : null;
    const python = small ? await pythonLowerBound(problem, timeoutSeconds) : null;
    const finished = [points, desk, frontier, enumeration].filter((o): o is Measured => o !== null && !('failed' in o));
    const differs = POINTS.filter((name) =>
      finished.some((o) => JSON.stringify(o.points[name]) !== JSON.stringify(finished[0]!.points[name])),
    );
    if (differs.length > 0) agreed = false;
    const size = finished.find((o) => o.frontierSize !== null)?.frontierSize;
    console.log(
      `| ${p} × ${i} | ${outcomes.toLocaleString('en')} | ${size?.toLocaleString('en') ?? 'n/a'} | ${shown(points)} | ${shown(desk)} | ${shown(frontier)} | ${shown(enumeration)} | ${shown(python)} | ${times(frontier, points, timeoutSeconds)} | ${times(enumeration, points, timeoutSeconds)} | ${times(python, points, timeoutSeconds)} | ${finished.length < 2 ? 'n/a' : differs.length === 0 ? 'yes' : `NO: ${differs.join(', ')}`} |`,
    );
  }
  return agreed;
}
