import type {
  AgreementDiagnosis,
  AgreementPoint,
  NegotiationAnalysis,
  PartySummary,
  PointStatuses,
} from './analyze.ts';
import { assessDraft, frontierPoint } from './analyze.ts';
import type { Budget } from './bargain.ts';
import type { DraftImprovements } from './improvements.ts';
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
  /**
   * The whole frontier when it is readable, else a sample spread along it; when the frontier was not computed
   * (`frontierListed` false), Pareto-optimal packages found without it (analyze.ts FrontierCut), in its order.
   */
  readonly pareto: readonly AgreementPoint[];
  /** Each of `pareto`'s position in the whole frontier (its order, as a streamed listing gives it); empty when it was not computed. */
  readonly paretoIndexes: readonly number[];
  /** The number of distinct utility vectors on the frontier, exactly; null when it was not computed. */
  readonly frontierSize: number | null;
  /** False when the frontier was not computed within the budget (too long, or out of time). */
  readonly frontierListed: boolean;
  /** When it was not: an upper bound of its size, and why it was not (`size`: more than `frontierLimit` vectors). */
  readonly frontierSizeBound: bigint | null;
  readonly frontierCutReason: 'size' | 'time' | null;
  readonly frontierLimit: number | null;
  /** With a draft and without the frontier: the best improvements searched directly, by Nash product and by each party's gain. */
  readonly ranked?: DraftImprovements | null;
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

/**
 * Converts an analysis to plain data; with `draft`, the packages that improve on it: over the whole frontier
 * when it was computed, else ranked directly (improvements.ts) within `budget`.
 */
export function portableAnalysis(
  analysis: NegotiationAnalysis,
  draft?: { problem: NegotiationProblem; outcome: Outcome },
  budget?: Budget,
): PortableAnalysis {
  const common = {
    outcomes: analysis.outcomes,
    parties: analysis.parties,
    reservations: analysis.reservations,
    nash: analysis.nash,
    kalaiSmorodinsky: analysis.kalaiSmorodinsky,
    maxWelfare: analysis.maxWelfare,
    egalitarian: analysis.egalitarian,
    agreement: analysis.agreement,
    status: analysis.status,
    complete: analysis.complete,
  };
  const frontier = analysis.frontier;
  if (frontier === null) {
    const cut = analysis.frontierCut!;
    const ranked = draft
      ? assessDraft(draft.problem, null, draft.outcome, { k: IMPROVEMENT_LIMIT, ...(budget ? { budget } : {}) }).ranked
      : undefined;
    return {
      ...common,
      pareto: cut.sample,
      paretoIndexes: [],
      frontierSize: null,
      frontierListed: false,
      frontierSizeBound: cut.sizeBound,
      frontierCutReason: cut.reason,
      frontierLimit: cut.limit,
      ...(ranked === undefined ? {} : { ranked }),
    };
  }
  const listed = listedFrontier(frontier);
  return {
    ...common,
    pareto: listed.indexes.map((index) => frontierPoint(frontier, index)),
    paretoIndexes: listed.indexes,
    frontierSize: frontier.size,
    frontierListed: true,
    frontierSizeBound: null,
    frontierCutReason: null,
    frontierLimit: null,
    ...(draft
      ? {
          improvements: assessDraft(draft.problem, frontier, draft.outcome)
            .improvements.slice(0, IMPROVEMENT_LIMIT)
            .map((index) => frontierPoint(frontier, index)),
        }
      : {}),
  };
}
