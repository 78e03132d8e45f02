/**
 * One measurement of the real-table benchmark (bench/analysis.ts), on a worker thread so that the
 * benchmark can stop it at the case's time limit: the domain is rebuilt from its seed, one method
 * answers the four bargaining points, and the time and the points' exact utilities go back.
 *
 * Methods: `engine`, what the settlement engine answers without the frontier (`analyzeNegotiation` with
 * `frontierLimit: 0`: the points by branch and bound, their counts, a sample along the frontier); `frontier`, the frontier-first path (the exact Pareto frontier
 * by per-issue merging, then the points taken from it); `enumerate`, every outcome visited
 * (`enumerationFrontier`), then the points from its frontier.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  analyzeNegotiation,
  bargainingSolutions,
  compileConstraints,
  enumerationFrontier,
  frontierPoint,
  paretoFrontier,
  scaleParty,
  type AgreementPoint,
  type ParetoFrontier,
} from '../src/analysis/index.ts';
import { realTableDomain, type RealTableOptions } from './synthetic.ts';

export type Method = 'engine' | 'frontier' | 'enumerate';
export const POINTS = ['nash', 'kalaiSmorodinsky', 'maxWelfare', 'egalitarian'] as const;
export interface Measured {
  ms: number;
  /** Each point's utilities as exact "num/den" strings (null: no such point). */
  points: Record<(typeof POINTS)[number], string[] | null>;
  frontierSize: number | null;
}

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
  if (method === 'engine') {
    // The desk's path when the frontier is too long to list: the points searched directly, the frontier not
    // computed (a cap of 0 vectors), a sample of Pareto-optimal packages found without it.
    const analysis = analyzeNegotiation(problem, { frontierLimit: 0 });
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
  parentPort!.postMessage({ ...result, ms: performance.now() - started } satisfies Measured);
}
