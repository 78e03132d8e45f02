import type {
  AgreementDiagnosis,
  AgreementPoint,
  NegotiationAnalysis,
  PartySummary,
  PointStatuses,
} from './analyze.ts';
import { frontierPage } from './analyze.ts';
import type { Rational } from './rational.ts';

/**
 * A negotiation analysis as plain data (rationals keep their BigInt parts):
 * what crosses a worker-thread boundary or gets stored. The frontier is
 * materialised as agreement points, in the frontier's order.
 */
export interface PortableAnalysis {
  readonly outcomes: bigint;
  readonly parties: readonly PartySummary[];
  readonly reservations: readonly Rational[];
  readonly pareto: readonly AgreementPoint[];
  readonly nash: AgreementPoint | null;
  readonly kalaiSmorodinsky: AgreementPoint | null;
  readonly maxWelfare: AgreementPoint | null;
  readonly egalitarian: AgreementPoint | null;
  readonly agreement: AgreementDiagnosis;
  /** How each point was settled (proved, or the best found within the time budget). */
  readonly status: PointStatuses;
  readonly complete: boolean;
}

/** Converts an analysis to plain data. */
export function portableAnalysis(analysis: NegotiationAnalysis): PortableAnalysis {
  return {
    outcomes: analysis.outcomes,
    parties: analysis.parties,
    reservations: analysis.reservations,
    pareto: frontierPage(analysis.frontier, 0, analysis.frontier.size),
    nash: analysis.nash,
    kalaiSmorodinsky: analysis.kalaiSmorodinsky,
    maxWelfare: analysis.maxWelfare,
    egalitarian: analysis.egalitarian,
    agreement: analysis.agreement,
    status: analysis.status,
    complete: analysis.complete,
  };
}
