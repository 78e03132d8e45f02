import type {
  AgreementDiagnosis,
  AgreementPoint,
  NegotiationAnalysis,
  PartySummary,
  PointStatuses,
} from './analyze.ts';
import { assessDraft, frontierPoint } from './analyze.ts';
import { IMPROVEMENT_LIMIT, listedFrontier } from './frontier-sample.ts';
import type { NegotiationProblem, Outcome } from './model.ts';
import type { Rational } from './rational.ts';

export { IMPROVEMENT_LIMIT };

/**
 * A negotiation analysis as plain data (rationals keep their BigInt parts):
 * what crosses a worker-thread boundary or gets stored. The frontier is
 * materialised as agreement points, in the frontier's order: all of it up to
 * READABLE_FRONTIER vectors, else a sample spread along it (`frontierSample`).
 */
export interface PortableAnalysis {
  readonly outcomes: bigint;
  readonly parties: readonly PartySummary[];
  readonly reservations: readonly Rational[];
  /** The whole frontier when it is readable, else the sample. */
  readonly pareto: readonly AgreementPoint[];
  /** Each of `pareto`'s position in the whole frontier (its order, as a streamed listing gives it). */
  readonly paretoIndexes: readonly number[];
  /** The number of distinct utility vectors on the frontier, exactly. */
  readonly frontierSize: number;
  readonly nash: AgreementPoint | null;
  readonly kalaiSmorodinsky: AgreementPoint | null;
  readonly maxWelfare: AgreementPoint | null;
  readonly egalitarian: AgreementPoint | null;
  readonly agreement: AgreementDiagnosis;
  /** With a draft: the Pareto-optimal packages at least as good for everyone and better for one, best first (at most IMPROVEMENT_LIMIT). */
  readonly improvements?: readonly AgreementPoint[];
  /** How each point was settled (proved, or the best found within the time budget). */
  readonly status: PointStatuses;
  readonly complete: boolean;
}

/** Converts an analysis to plain data; with `draft`, the packages that improve on it. */
export function portableAnalysis(
  analysis: NegotiationAnalysis,
  draft?: { problem: NegotiationProblem; outcome: Outcome },
): PortableAnalysis {
  const listed = listedFrontier(analysis.frontier);
  return {
    outcomes: analysis.outcomes,
    parties: analysis.parties,
    reservations: analysis.reservations,
    pareto: listed.indexes.map((index) => frontierPoint(analysis.frontier, index)),
    paretoIndexes: listed.indexes,
    frontierSize: analysis.frontier.size,
    nash: analysis.nash,
    kalaiSmorodinsky: analysis.kalaiSmorodinsky,
    maxWelfare: analysis.maxWelfare,
    egalitarian: analysis.egalitarian,
    agreement: analysis.agreement,
    ...(draft
      ? {
          improvements: assessDraft(draft.problem, analysis.frontier, draft.outcome)
            .improvements.slice(0, IMPROVEMENT_LIMIT)
            .map((index) => frontierPoint(analysis.frontier, index)),
        }
      : {}),
    status: analysis.status,
    complete: analysis.complete,
  };
}
