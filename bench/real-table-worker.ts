/**
 * One measurement of the real-table benchmark (bench/analysis.ts), on a worker thread so that the
 * benchmark can stop it at the case's time limit: the domain is rebuilt from its seed, one method
 * answers the four bargaining points, and the time and the points' exact utilities go back.
 *
 * Methods: `points`, the four bargaining points alone, searched directly (`bargainingPoints`, exact,
 * with their counts of outcomes); `desk`, the settlement desk's whole answer (what its worker does:
 * `analyzeNegotiation` with the desk's 10 s budget and its cap on listing the frontier, then the answer
 * made portable with a seeded draft's improvements ranked); `frontier`, the frontier-first path (the exact
 * Pareto frontier by per-issue merging, then the points taken from it); `enumerate`, every outcome visited
 * (`enumerationFrontier`), then the points from its frontier.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  analyzeNegotiation,
  bargainingPoints,
  bargainingSolutions,
  FRONTIER_TIME_MS,
  portableAnalysis,
  compileConstraints,
  enumerationFrontier,
  frontierPoint,
  paretoFrontier,
  scaleParty,
  type AgreementPoint,
  type NegotiationProblem,
  type ParetoFrontier,
} from '../src/analysis/index.ts';
import { realTableDomain, type RealTableOptions } from './synthetic.ts';

export type Method = 'points' | 'desk' | 'frontier' | 'enumerate';
export const POINTS = ['nash', 'kalaiSmorodinsky', 'maxWelfare', 'egalitarian'] as const;
export interface Measured {
  ms: number;
  /** Each point's utilities as exact "num/den" strings (null: no such point). */
  points: Record<(typeof POINTS)[number], string[] | null>;
  frontierSize: number | null;
  /** `points` only: the median of five more runs in the same thread, compiled (the desk's warm worker). */
  warmMs?: number;
}

/** The settlement desk's default budget (src/store/analyses.ts). */
const DESK_BUDGET_MS = 10_000;

// Imported by the benchmark for POINTS and the types; measures only on its worker thread.
if (!isMainThread) measure(workerData as { method: Method; table: RealTableOptions });

function measure({ method, table }: { method: Method; table: RealTableOptions }): void {
  const problem = realTableDomain(table);
  const exact = (point: AgreementPoint | null) => point?.utilities.map((u) => `${u.num}/${u.den}`) ?? null;

  function fromFrontier(frontier: ParetoFrontier): Measured['points'] {
    const solutions = bargainingSolutions(
      frontier,
      problem.parties.map((party) => party.reservation),
    );
    const at = (index: number | null) => (index === null ? null : exact(frontierPoint(frontier, index)));
    return {
      nash: at(solutions.nash),
      kalaiSmorodinsky: at(solutions.kalaiSmorodinsky),
      maxWelfare: at(solutions.maxWelfare),
      egalitarian: at(solutions.egalitarian),
    };
  }

  const started = performance.now();
  let result: Omit<Measured, 'ms'>;
  if (method === 'points') {
    const points = bargainingPoints(problem);
    result = {
      points: Object.fromEntries(POINTS.map((name) => [name, exact(points[name])])) as Measured['points'],
      frontierSize: null,
    };
  } else if (method === 'desk') {
    const now = () => performance.now();
    const end = now() + DESK_BUDGET_MS;
    // As the desk's worker (src/analysis/worker-main.ts): with a draft, the points and the frontier get two thirds.
    const analysis = analyzeNegotiation(problem, {
      budget: { now, deadline: now() + (DESK_BUDGET_MS * 2) / 3 },
      frontierTime: FRONTIER_TIME_MS,
    });
    portableAnalysis(analysis, { problem, outcome: seededDraft(problem, table.seed) }, { now, deadline: end });
    result = {
      points: Object.fromEntries(POINTS.map((name) => [name, exact(analysis[name])])) as Measured['points'],
      frontierSize: analysis.frontier?.size ?? null,
    };
  } else {
    const frontier =
      method === 'frontier'
        ? paretoFrontier(problem, { strategy: 'merge' })
        : enumerationFrontier(problem.parties.map(scaleParty), compileConstraints(problem));
    result = { points: fromFrontier(frontier), frontierSize: frontier.size };
  }
  const ms = performance.now() - started;
  let warmMs: number | undefined;
  if (method === 'points') {
    const again = Array.from({ length: 5 }, () => {
      const start = performance.now();
      bargainingPoints(problem);
      return performance.now() - start;
    }).sort((a, b) => a - b);
    warmMs = again[2];
  }
  parentPort!.postMessage({ ...result, ms, ...(warmMs === undefined ? {} : { warmMs }) } satisfies Measured);
}

/** A draft package for the desk's improvements: options drawn from the seed, every issue settled. */
export function seededDraft(problem: NegotiationProblem, seed: number): number[] {
  let state = (seed * 7919) % 2147483648;
  return problem.space.issues.map((issue) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * issue.options.length);
  });
}
