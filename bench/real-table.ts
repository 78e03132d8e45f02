/**
 * The real-table cases of `npm run bench:analysis`: seeded domains of 2–7 parties × 8–28 issues ×
 * 3–5 options (bench/synthetic.ts `realTableDomain`), each answered by the engine (the four points
 * alone, and the settlement desk's whole answer) and, in the same process, by the baselines: the
 * frontier-first path (the exact Pareto frontier, then the points on it), plain enumeration where the
 * space is small enough, and there, where `python3` imports it, NegMAS (bench/negmas_baseline.py), and
 * where `python3` is on the PATH a floor under any brute-force engine in Python (bench/brute-force.py:
 * every outcome's utilities summed, nothing else). The points are timed on their first run in a fresh
 * thread (compilation included) and, as in the desk's warm worker pool, as the median of five more. Every
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

/** Whether `python3` imports NegMAS here (PYTHONPATH may name a checkout's src/). */
function negmasAvailable(): boolean {
  return spawnSync('python3', ['-c', 'import negmas'], { stdio: 'ignore' }).status === 0;
}

/** Runs a Python script of bench/ on `input` (JSON on its standard input), stopped at the time limit. */
function runPython(script: string, input: unknown, timeoutSeconds: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn('python3', [new URL(script, import.meta.url).pathname], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0)
        return resolve({
          failed: code === null ? `> ${timeoutSeconds} s` : `exited (${code}): ${err.trim().split('\n').pop() ?? ''}`,
        });
      const { ms, frontier } = JSON.parse(out) as { ms: number; frontier?: number };
      resolve({
        ms,
        points: { nash: null, kalaiSmorodinsky: null, maxWelfare: null, egalitarian: null },
        frontierSize: frontier ?? null,
      });
    });
    child.stdin.end(JSON.stringify(input));
  });
}

/** The weights and option scores of an additive problem, as floats (what the Python scripts read). */
function floats(problem: NegotiationProblem) {
  const utilities = problem.parties.map((party) => {
    if (party.utility.kind !== 'additive') throw new Error('the real-table domains are additive');
    return party.utility;
  });
  return {
    options: problem.space.issues.map((issue) => issue.options.length),
    weights: utilities.map((u) => u.weights.map(toNumber)),
    scores: utilities.map((u) => u.evaluations.map((row) => row.map(toNumber))),
  };
}

/**
 * NegMAS (bench/negmas_baseline.py: its Pareto frontier of every outcome, then its Nash, Kalai-Smorodinsky
 * and maximum-welfare points), where `python3` imports it; null otherwise.
 */
export function negmasRun(problem: NegotiationProblem, timeoutSeconds: number): Promise<Outcome> | null {
  if (!negmasAvailable()) return null;
  return runPython('./negmas_baseline.py', floats(problem), timeoutSeconds);
}

/** bench/brute-force.py on the problem's utilities as floats, stopped at the time limit (null: no python3). */
export function pythonLowerBound(problem: NegotiationProblem, timeoutSeconds: number): Promise<Outcome> | null {
  if (spawnSync('python3', ['--version'], { stdio: 'ignore' }).status !== 0) return null;
  const { weights, scores } = floats(problem);
  const values = weights.map((row, p) => row.map((weight, i) => scores[p]![i]!.map((score) => weight * score)));
  return runPython('./brute-force.py', { values }, timeoutSeconds);
}

const times = (slow: Outcome | null, fast: Outcome, timeoutSeconds: number, fastMs?: number): string => {
  if (slow === null || 'failed' in fast) return 'n/a';
  const ms = fastMs ?? fast.ms;
  const ratio = 'failed' in slow ? (timeoutSeconds * 1000) / ms : slow.ms / ms;
  return `${'failed' in slow ? '> ' : ''}${ratio < 10 ? ratio.toFixed(1) : ratio.toFixed(0)}×`;
};

/** NegMAS's frontier (floating point) of another size than the exact one: said in the last column. */
const negmasSize = (ran: Outcome | null, size: number | undefined) =>
  ran && !('failed' in ran) && size !== undefined && ran.frontierSize !== size
    ? ` (NegMAS's frontier: ${ran.frontierSize?.toLocaleString('en')} vectors)`
    : '';

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
    '| parties × issues | outcomes | frontier vectors | points ms, first / warm | desk ms | frontier-first ms | enumeration ms | NegMAS ms | Python floor ms | NegMAS ÷ points, first / warm | frontier-first ÷ points | points agree |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const negmas = negmasAvailable();
  if (!negmas) console.log('(NegMAS: python3 cannot import negmas here; its column is n/a)');
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
    const negmasRan = small && negmas ? await negmasRun(problem, timeoutSeconds) : null;
    const finished = [points, desk, frontier, enumeration].filter((o): o is Measured => o !== null && !('failed' in o));
    const differs = POINTS.filter((name) =>
      finished.some((o) => JSON.stringify(o.points[name]) !== JSON.stringify(finished[0]!.points[name])),
    );
    if (differs.length > 0) agreed = false;
    const size = finished.find((o) => o.frontierSize !== null)?.frontierSize;
    console.log(
      `| ${p} × ${i} | ${outcomes.toLocaleString('en')} | ${size?.toLocaleString('en') ?? 'n/a'} | ${shown(points)} / ${'failed' in points || points.warmMs === undefined ? 'n/a' : fmt(points.warmMs)} | ${shown(desk)} | ${shown(frontier)} | ${shown(enumeration)} | ${shown(negmasRan)} | ${shown(python)} | ${times(negmasRan, points, timeoutSeconds)} / ${'failed' in points ? 'n/a' : times(negmasRan, points, timeoutSeconds, points.warmMs)} | ${times(frontier, points, timeoutSeconds)} | ${finished.length < 2 ? 'n/a' : differs.length === 0 ? 'yes' : `NO: ${differs.join(', ')}`}${negmasSize(negmasRan, size ?? undefined)} |`,
    );
  }
  return agreed;
}
