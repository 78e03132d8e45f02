import { enumerationFrontier } from './enumerate.ts';
import {
  additiveFrontier,
  compileConstraints,
  FrontierStopped,
  type CompiledConstraints,
  type FrontierCheck,
  type ParetoFrontier,
  type ProgressCallback,
} from './frontier.ts';
import { frontierSizeBound, supportedSample, type SupportedPackage } from './supported.ts';
import { FRONTIER_SAMPLE } from './frontier-sample.ts';
import { generalFrontier } from './general.ts';
import { outcomeCount, type NegotiationProblem, type Outcome } from './model.ts';
import { rational, type Rational } from './rational.ts';
import { exactNumerator, scaleParty, type ScaledAdditive, type ScaledParty } from './scaled.ts';
import { bargainingSolutions, ExactVectors, floatUtility, type BargainingSolutions } from './solutions.ts';
import { draftImprovements, type DraftImprovements, type ImprovementOptions } from './improvements.ts';
import {
  countOutcomes,
  directSolutions,
  feasiblePackage,
  type Budget,
  type DirectPoint,
  type PointStatus,
} from './bargain.ts';

/**
 * How the frontier is computed. `auto`: enumeration for outcome spaces of at
 * most ENUMERATION_LIMIT outcomes, per-issue merging when every utility
 * function is additive, branch and bound otherwise.
 */
export type FrontierStrategy = 'auto' | 'merge' | 'search' | 'enumerate';

export const ENUMERATION_LIMIT = 4096;

export interface FrontierOptions {
  readonly strategy?: FrontierStrategy;
  readonly onProgress?: ProgressCallback;
  /** Asked now and then with the vectors held: true stops the computation (FrontierStopped is thrown). */
  readonly check?: FrontierCheck;
}

/**
 * How many vectors the frontier computation of an analysis may hold before it stops (the frontier is then not
 * listed, the answer says so): memory stays flat whatever the number of outcomes. ~100 bytes a vector at 7 parties.
 */
export const FRONTIER_HOLD_LIMIT = 200_000;

/**
 * Checks that a problem is consistent (every utility function, red line and
 * constraint refers to existing issues and options) and throws a RangeError
 * naming the first inconsistency.
 */
export function validateProblem(problem: NegotiationProblem): void {
  const issues = problem.space.issues;
  if (problem.parties.length === 0) throw new RangeError('a negotiation needs at least one party');
  const checkOption = (where: string, issue: number, option: number) => {
    if (!Number.isInteger(issue) || issue < 0 || issue >= issues.length)
      throw new RangeError(`${where}: issue ${issue} does not exist`);
    if (!Number.isInteger(option) || option < 0 || option >= issues[issue]!.options.length)
      throw new RangeError(`${where}: option ${option} of issue "${issues[issue]!.name}" does not exist`);
  };
  problem.parties.forEach((party, p) => {
    const where = `party ${p + 1} (${party.name})`;
    const utility = party.utility;
    if (utility.kind === 'additive') {
      if (utility.weights.length !== issues.length || utility.evaluations.length !== issues.length)
        throw new RangeError(`${where}: needs one weight and one evaluation list per issue`);
      utility.evaluations.forEach((row, i) => {
        if (row.length !== issues[i]!.options.length)
          throw new RangeError(
            `${where}: issue "${issues[i]!.name}" needs ${issues[i]!.options.length} evaluations, has ${row.length}`,
          );
      });
    } else {
      utility.rectangles.forEach((rectangle, r) =>
        rectangle.conditions.forEach((condition) =>
          condition.options.forEach((option) => checkOption(`${where} rectangle ${r + 1}`, condition.issue, option)),
        ),
      );
    }
  });
  (problem.redLines ?? []).forEach((redLine, i) => checkOption(`red line ${i + 1}`, redLine.issue, redLine.option));
  (problem.constraints ?? []).forEach((constraint, i) => {
    if (constraint.forbids.length === 0) throw new RangeError(`constraint ${i + 1}: forbids nothing`);
    constraint.forbids.forEach((clause) =>
      clause.options.forEach((option) => checkOption(`constraint ${i + 1}`, clause.issue, option)),
    );
  });
}

/** Computes the exact Pareto frontier of a problem under all its hard constraints. */
export function paretoFrontier(problem: NegotiationProblem, options: FrontierOptions = {}): ParetoFrontier {
  validateProblem(problem);
  const scaled = problem.parties.map(scaleParty);
  return frontierOf(scaled, compileConstraints(problem), outcomeCount(problem.space), options);
}

function frontierOf(
  scaled: readonly ScaledParty[],
  constraints: CompiledConstraints,
  outcomes: bigint,
  options: FrontierOptions,
): ParetoFrontier {
  let strategy = options.strategy ?? 'auto';
  const additive = scaled.every((party) => party.kind === 'additive');
  if (strategy === 'auto')
    strategy = outcomes <= BigInt(ENUMERATION_LIMIT) ? 'enumerate' : additive ? 'merge' : 'search';
  if (strategy === 'merge' && !additive) throw new RangeError('per-issue merging needs additive utility functions');
  if (strategy === 'enumerate') return enumerationFrontier(scaled, constraints, options.onProgress, options.check);
  if (strategy === 'merge')
    return additiveFrontier(scaled as ScaledAdditive[], constraints, options.onProgress, options.check);
  return generalFrontier(scaled, constraints, options.onProgress, options.check);
}

function negate(party: ScaledParty): ScaledParty {
  if (party.kind === 'additive') {
    return {
      ...party,
      numerators: party.numerators.map((row) => row.map((value) => -value)),
      values: party.values.map((row) => row.map((value) => -value)),
    };
  }
  return { ...party, numerators: party.numerators.map((value) => -value), values: party.values.map((value) => -value) };
}

/** Each party's utility as an exact rational. */
export function outcomeUtilities(problem: NegotiationProblem, outcome: Outcome): Rational[] {
  return problem.parties.map((party) => {
    const scaled = scaleParty(party);
    return rational(exactNumerator(scaled, outcome), scaled.denominator);
  });
}

/** A hard constraint, a red line, or a party's reservation value: the things that can make agreement impossible. */
export type Requirement =
  | { readonly kind: 'reservation'; readonly party: number }
  | { readonly kind: 'redLine'; readonly index: number }
  | { readonly kind: 'constraint'; readonly index: number };

export interface AgreementDiagnosis {
  /** True when some outcome satisfies every hard constraint and gives every party at least its reservation value. */
  readonly possible: boolean;
  /** True when the time budget ran out before a package giving every party its reservation value was found or proved not to exist (`possible` is then false, unproved). */
  readonly undecided?: boolean;
  /** When impossible: a minimal set of requirements that cannot all hold (dropping any one of them makes agreement possible). */
  readonly conflict: readonly Requirement[];
}

export interface AgreementPoint {
  readonly outcome: number[];
  readonly utilities: Rational[];
  /** How many outcomes share this utility vector (null when the time budget ran out before they were counted, and in a sample found without the frontier). */
  readonly count: number | bigint | null;
  /**
   * For a bargaining point: `optimal` when proved; `best-found` when the time budget ran out first,
   * with `gap` (exact) bounding how much better the point's criterion could be (null when unknown).
   */
  readonly status?: PointStatus;
  readonly gap?: Rational | null;
}

export interface PartySummary {
  readonly name: string;
  /** Best and worst utility over the outcomes that satisfy the hard constraints (null when there is none). */
  readonly maxUtility: Rational | null;
  readonly minUtility: Rational | null;
  readonly reservation: Rational;
}

/** A frontier that was not computed within the analysis' budget, described without it. */
export interface FrontierCut {
  /** `size`: the computation held more than `limit` vectors; `time`: the time budget ran out. */
  readonly reason: 'size' | 'time';
  /** The cap on vectors held (FRONTIER_HOLD_LIMIT unless the caller set it). */
  readonly limit: number;
  /** An upper bound of the frontier's size (distinct utility vectors): supported.ts frontierSizeBound. */
  readonly sizeBound: bigint;
  /**
   * Packages on the frontier, each exact and Pareto-optimal, distinct utility vectors, in the frontier's order:
   * the bargaining points and weighted-welfare maximisers spread over the weights (supported.ts). `count` is
   * null: the outcomes per vector are not counted.
   */
  readonly sample: readonly AgreementPoint[];
}

export interface NegotiationAnalysis {
  readonly outcomes: bigint;
  readonly parties: readonly PartySummary[];
  readonly reservations: readonly Rational[];
  /** The whole frontier; null when it was not computed within the budget (then `frontierCut` describes it). */
  readonly frontier: ParetoFrontier | null;
  readonly frontierCut: FrontierCut | null;
  /** The frontier's own bargaining solutions (frontier indices), the frontier-first path; null without the frontier. */
  readonly solutions: BargainingSolutions | null;
  /**
   * How each bargaining point was settled: `optimal`, or `none` (proved: no package qualifies), unless
   * the time budget ran out; then `best-found` (with a gap) or `not-found`.
   */
  readonly status: PointStatuses;
  /** True when every point is proved (optimal, or proved not to exist). */
  readonly complete: boolean;
  readonly nash: AgreementPoint | null;
  readonly kalaiSmorodinsky: AgreementPoint | null;
  readonly maxWelfare: AgreementPoint | null;
  readonly egalitarian: AgreementPoint | null;
  readonly agreement: AgreementDiagnosis;
}

export interface AnalysisOptions extends FrontierOptions {
  /** Reservation values r_i; default: each profile's own. */
  readonly reservations?: readonly Rational[];
  /**
   * How the bargaining points are found: `direct` (default for additive utility functions) by branch and
   * bound without the frontier (bargain.ts); `frontier` from the frontier (always so for other utility functions).
   */
  readonly points?: 'direct' | 'frontier';
  /**
   * The time budget (the caller's clock): the points are searched first; the frontier then gets `frontierShare`
   * of what is left (the rest for its sample when it is cut short). Past it, points come back unproved, saying so.
   */
  readonly budget?: Budget;
  /**
   * With the direct points: the cap on the vectors the frontier computation holds (default FRONTIER_HOLD_LIMIT);
   * past it, or past its share of the budget, the frontier is not listed (`frontierCut`). Infinity: always list it.
   */
  readonly frontierLimit?: number;
  /** The fraction of the budget left after the points that the frontier may take (default FRONTIER_SHARE). */
  readonly frontierShare?: number;
  /**
   * The most the attempt to list the frontier may take, on the budget's clock, whatever its share: a
   * frontier that takes longer is too long to read (the settlement desk gives it FRONTIER_TIME_MS).
   */
  readonly frontierTime?: number;
}

/**
 * The settlement desk's cap on the attempt to list the frontier, in milliseconds: every frontier of
 * the benchmark's tables that a person can read (2,000 vectors or fewer) is listed in under a third of it,
 * in a fresh process (17–68 ms); a longer one is described by its size bound and a sample instead.
 */
export const FRONTIER_TIME_MS = 250;

/** The frontier's default share of the budget left after the points: the desk answers without it when it is long. */
export const FRONTIER_SHARE = 0.2;

/** The frontier vector at `index` as an agreement point. */
export function frontierPoint(frontier: ParetoFrontier, index: number): AgreementPoint {
  const exact = new ExactVectors(frontier);
  return {
    outcome: frontier.representative(index),
    utilities: Array.from({ length: frontier.parties }, (_, p) => exact.utility(index, p)),
    count: frontier.counts[index]!,
  };
}

/**
 * Everything the mediator asks of a problem: the exact Pareto frontier, the
 * Nash, Kalai-Smorodinsky, maximum-welfare and egalitarian points, each
 * party's utility range, and whether an agreement is possible at all.
 */
export function analyzeNegotiation(problem: NegotiationProblem, options: AnalysisOptions = {}): NegotiationAnalysis {
  validateProblem(problem);
  const reservations = options.reservations ?? problem.parties.map((party) => party.reservation);
  if (reservations.length !== problem.parties.length)
    throw new RangeError(`${reservations.length} reservation values for ${problem.parties.length} parties`);
  const scaled = problem.parties.map(scaleParty);
  const constraints = compileConstraints(problem);
  const outcomes = outcomeCount(problem.space);
  // The points' budget is theirs: searched before the frontier, which can take longer than the whole budget.
  const direct =
    scaled.every((party) => party.kind === 'additive') && options.points !== 'frontier'
      ? bargainingPoints(problem, { reservations, budget: options.budget })
      : null;
  let frontier: ParetoFrontier | null = null;
  let frontierCut: FrontierCut | null = null;
  if (direct) {
    const limit = options.frontierLimit ?? FRONTIER_HOLD_LIMIT;
    const budget = options.budget;
    const fraction = options.frontierShare ?? FRONTIER_SHARE;
    const share = budget && {
      now: budget.now,
      deadline: budget.now() + Math.min((budget.deadline - budget.now()) * fraction, options.frontierTime ?? Infinity),
    };
    let reason: FrontierCut['reason'] = 'size';
    const check: FrontierCheck = (held) => {
      if (held > limit) return true;
      if (share && share.now() >= share.deadline) {
        reason = 'time';
        return true;
      }
      return options.check?.(held) ?? false;
    };
    try {
      frontier = frontierOf(scaled, constraints, outcomes, { ...options, check });
    } catch (error) {
      if (!(error instanceof FrontierStopped)) throw error;
      frontierCut = cutFrontier(scaled as ScaledAdditive[], constraints, direct, reason, limit, budget);
    }
  } else frontier = frontierOf(scaled, constraints, outcomes, options);
  const solutions = frontier && bargainingSolutions(frontier, reservations);
  const point = (index: number | null) => (index === null ? null : frontierPoint(frontier!, index));
  const settled = (index: number | null): PointStatus => (index === null ? 'none' : 'optimal');
  const points = direct ?? {
    nash: point(solutions!.nash),
    kalaiSmorodinsky: point(solutions!.kalaiSmorodinsky),
    maxWelfare: point(solutions!.maxWelfare),
    egalitarian: point(solutions!.egalitarian),
    status: {
      nash: settled(solutions!.nash),
      kalaiSmorodinsky: settled(solutions!.kalaiSmorodinsky),
      maxWelfare: settled(solutions!.maxWelfare),
      egalitarian: settled(solutions!.egalitarian),
    },
    complete: true,
  };

  const parties = problem.parties.map((party, p): PartySummary => {
    const single = [scaled[p]!];
    const best = frontierOf(single, constraints, outcomes, {
      strategy: options.strategy === 'enumerate' ? 'enumerate' : 'auto',
    });
    const worst = frontierOf(single.map(negate), constraints, outcomes, {
      strategy: options.strategy === 'enumerate' ? 'enumerate' : 'auto',
    });
    const denominator = scaled[p]!.denominator;
    return {
      name: party.name,
      maxUtility: best.size > 0 ? rational(best.exactNumerator(0, 0), denominator) : null,
      minUtility: worst.size > 0 ? rational(-worst.exactNumerator(0, 0), denominator) : null,
      reservation: reservations[p]!,
    };
  });

  // Without the frontier, the direct search says (maximum welfare qualifies every package with u_i ≥ r_i).
  const decided = solutions ? solutions.individuallyRational.length > 0 : direct!.agreementPossible;
  const possible = decided === true;
  return {
    outcomes,
    parties,
    reservations,
    frontier,
    frontierCut,
    solutions,
    status: points.status,
    complete: points.complete,
    nash: points.nash,
    kalaiSmorodinsky: points.kalaiSmorodinsky,
    maxWelfare: points.maxWelfare,
    egalitarian: points.egalitarian,
    agreement: possible
      ? { possible, conflict: [] }
      : decided === null
        ? { possible, conflict: [], undecided: true }
        : { possible, conflict: findConflict(problem, reservations, options.strategy) },
  };
}

/** The frontier described without it: a bound on its size and a sample along it (supported.ts). */
function cutFrontier(
  scaled: readonly ScaledAdditive[],
  constraints: CompiledConstraints,
  direct: BargainingPoints,
  reason: FrontierCut['reason'],
  limit: number,
  budget: Budget | undefined,
): FrontierCut {
  // Proved bargaining points are Pareto-optimal (the tie rule, solutions.ts); an unproved one may not be.
  const extra: SupportedPackage[] = [];
  const statuses = direct.status;
  for (const [name, pointOf] of [
    ['nash', direct.nash],
    ['kalaiSmorodinsky', direct.kalaiSmorodinsky],
    ['maxWelfare', direct.maxWelfare],
    ['egalitarian', direct.egalitarian],
  ] as const) {
    if (pointOf && statuses[name] === 'optimal')
      extra.push({
        outcome: pointOf.outcome,
        numerators: scaled.map((party) => exactNumerator(party, pointOf.outcome)),
      });
  }
  const { packages } = supportedSample(scaled, constraints, FRONTIER_SAMPLE, extra, budget);
  return {
    reason,
    limit,
    sizeBound: frontierSizeBound(scaled, constraints),
    sample: packages.map((pkg) => ({
      outcome: pkg.outcome,
      utilities: pkg.numerators.map((num, p) => rational(num, scaled[p]!.denominator)),
      count: null,
    })),
  };
}

export interface PointStatuses {
  readonly nash: PointStatus;
  readonly kalaiSmorodinsky: PointStatus;
  readonly maxWelfare: PointStatus;
  readonly egalitarian: PointStatus;
}

export interface BargainingPoints {
  readonly nash: AgreementPoint | null;
  readonly kalaiSmorodinsky: AgreementPoint | null;
  readonly maxWelfare: AgreementPoint | null;
  readonly egalitarian: AgreementPoint | null;
  readonly status: PointStatuses;
  readonly complete: boolean;
  /** I_i over the packages that give every party its reservation value (null when there is none). */
  readonly ideal: readonly (Rational | null)[];
  /** True when some package keeps every hard constraint and gives every party its reservation value; null when the budget ran out before one was found. */
  readonly agreementPossible: boolean | null;
}

/**
 * The Nash, Kalai-Smorodinsky, maximum-welfare and egalitarian points of a
 * problem with additive utility functions, searched directly (bargain.ts),
 * without the Pareto frontier; within `options.budget` when given, each point
 * then saying whether it is proved. `frontier`, when the caller has it, only
 * supplies the counts of outcomes per point.
 */
export function bargainingPoints(
  problem: NegotiationProblem,
  options: Pick<AnalysisOptions, 'reservations' | 'budget'> = {},
  frontier?: ParetoFrontier,
): BargainingPoints {
  validateProblem(problem);
  const reservations = options.reservations ?? problem.parties.map((party) => party.reservation);
  if (reservations.length !== problem.parties.length)
    throw new RangeError(`${reservations.length} reservation values for ${problem.parties.length} parties`);
  const scaled = problem.parties.map(scaleParty);
  if (!scaled.every((party): party is ScaledAdditive => party.kind === 'additive'))
    throw new RangeError('the direct search needs additive utility functions; use the frontier for the others');
  const constraints = compileConstraints(problem);
  const found = directSolutions(scaled, constraints, reservations, { budget: options.budget });
  const counted = new Map<string, number | bigint | null>();
  // Counting the outcomes of a point can take far longer than finding it (7 × 28 × 5: seconds each): the counts
  // share an eighth of what is left of the budget, a count not finished in time is null (the answer says so).
  const outer = options.budget;
  const countBudget = outer && { now: outer.now, deadline: outer.now() + (outer.deadline - outer.now()) / 8 };
  const point = (direct: DirectPoint): AgreementPoint | null => {
    if (direct.outcome === null || direct.utilities === null) return null;
    const numerators = scaled.map((party) => exactNumerator(party, direct.outcome!));
    const key = numerators.join(',');
    if (!counted.has(key))
      counted.set(key, countOf(frontier, numerators) ?? countOutcomes(scaled, constraints, numerators, countBudget));
    return {
      outcome: direct.outcome,
      utilities: direct.utilities,
      count: counted.get(key)!,
      status: direct.status,
      gap: direct.gap,
    };
  };
  const status = {
    nash: found.nash.status,
    kalaiSmorodinsky: found.kalaiSmorodinsky.status,
    maxWelfare: found.maxWelfare.status,
    egalitarian: found.egalitarian.status,
  };
  return {
    nash: point(found.nash),
    kalaiSmorodinsky: point(found.kalaiSmorodinsky),
    maxWelfare: point(found.maxWelfare),
    egalitarian: point(found.egalitarian),
    status,
    complete: found.complete,
    ideal: found.ideal,
    // Maximum welfare qualifies every package with u_i ≥ r_i.
    agreementPossible: found.maxWelfare.outcome !== null ? true : found.maxWelfare.status === 'none' ? false : null,
  };
}

/** The count of the frontier vector with exactly these numerators, when there is a frontier. */
function countOf(frontier: ParetoFrontier | undefined, numerators: readonly bigint[]): number | bigint | null {
  if (!frontier) return null;
  const target = numerators.map(Number);
  for (let index = 0; index < frontier.size; index++) {
    let near = true;
    for (let p = 0; p < frontier.parties && near; p++)
      near =
        Math.abs(frontier.numerators[index * frontier.parties + p]! - target[p]!) <= 1 + 1e-12 * Math.abs(target[p]!);
    if (near && numerators.every((value, p) => frontier.exactNumerator(index, p) === value))
      return frontier.counts[index]!;
  }
  return null;
}

/** Whether an outcome exists that satisfies the given requirements. */
function satisfiable(
  problem: NegotiationProblem,
  scaled: readonly ScaledParty[],
  reservations: readonly Rational[],
  requirements: readonly Requirement[],
  strategy?: FrontierStrategy,
): boolean {
  const included = new Set(requirements.map((r) => `${r.kind}:${r.kind === 'reservation' ? r.party : r.index}`));
  const constraints = compileConstraints(problem, (kind, index) => included.has(`${kind}:${index}`));
  if (strategy !== 'enumerate' && scaled.every((party): party is ScaledAdditive => party.kind === 'additive'))
    // Without the frontier (whose size grows as requirements are dropped): the maximum-welfare search.
    return feasiblePackage(
      scaled,
      constraints,
      reservations.map((r, p) => (included.has(`reservation:${p}`) ? r : null)),
    )!;
  const frontier = frontierOf(scaled, constraints, outcomeCount(problem.space), { strategy: strategy ?? 'auto' });
  const required = reservations.flatMap((r, p) => (included.has(`reservation:${p}`) ? [p] : []));
  const exact = new ExactVectors(frontier);
  for (let index = 0; index < frontier.size; index++) {
    if (
      required.every((p) => {
        const utility = exact.utility(index, p);
        return utility.num * reservations[p]!.den >= reservations[p]!.num * utility.den;
      })
    )
      return true;
  }
  return false;
}

/**
 * A minimal set of requirements that cannot hold together, found by deletion:
 * each requirement is dropped for good when the rest still conflict.
 */
export function findConflict(
  problem: NegotiationProblem,
  reservations: readonly Rational[],
  strategy?: FrontierStrategy,
): Requirement[] {
  const scaled = problem.parties.map(scaleParty);
  let conflict: Requirement[] = [
    ...problem.parties.map((_, party): Requirement => ({ kind: 'reservation', party })),
    ...(problem.redLines ?? []).map((_, index): Requirement => ({ kind: 'redLine', index })),
    ...(problem.constraints ?? []).map((_, index): Requirement => ({ kind: 'constraint', index })),
  ];
  if (satisfiable(problem, scaled, reservations, conflict, strategy)) return [];
  for (const requirement of [...conflict]) {
    const without = conflict.filter((other) => other !== requirement);
    if (!satisfiable(problem, scaled, reservations, without, strategy)) conflict = without;
  }
  return conflict;
}

/** Whether any agreement is possible, and if not, which requirements conflict. */
export function diagnoseAgreement(
  problem: NegotiationProblem,
  reservations?: readonly Rational[],
  strategy?: FrontierStrategy,
): AgreementDiagnosis {
  const conflict = findConflict(problem, reservations ?? problem.parties.map((party) => party.reservation), strategy);
  return { possible: conflict.length === 0, conflict };
}

export interface DraftAssessment {
  readonly utilities: Rational[];
  /** Red lines and constraints the draft breaks (empty when it satisfies every hard constraint). */
  readonly violates: readonly Requirement[];
  /** True when the draft satisfies every hard constraint and no such outcome is at least as good for all and better for one. */
  readonly paretoOptimal: boolean;
  /**
   * Pareto-optimal packages that make every party at least as well off as the
   * draft and one better off, best first: larger sum of utilities first, then
   * the frontier's order. Each is a frontier index. Empty without the frontier (see `ranked`).
   */
  readonly improvements: readonly number[];
  /**
   * When `options` are given and the utility functions are additive: the best improvements searched directly
   * (improvements.ts, within `options.budget`), k per ranking, by the Nash product of the gains over the draft
   * and by each party's gain; otherwise null.
   */
  readonly ranked: DraftImprovements | null;
}

/**
 * Scores a draft package against the frontier; with `options` (how many per ranking, the time budget), for
 * additive utility functions, also ranks the best improvements directly, without the frontier.
 */
export function assessDraft(
  problem: NegotiationProblem,
  frontier: ParetoFrontier | null,
  draft: Outcome,
  options?: ImprovementOptions,
): DraftAssessment {
  if (draft.length !== problem.space.issues.length)
    throw new RangeError(`a draft needs one option per issue (${problem.space.issues.length})`);
  draft.forEach((option, issue) => {
    const size = problem.space.issues[issue]!.options.length;
    if (!Number.isInteger(option) || option < 0 || option >= size)
      throw new RangeError(`a draft's option for "${problem.space.issues[issue]!.name}" must be one of its ${size}`);
  });
  const utilities = outcomeUtilities(problem, draft);
  const violates: Requirement[] = [];
  (problem.redLines ?? []).forEach((redLine, index) => {
    if (draft[redLine.issue] === redLine.option) violates.push({ kind: 'redLine', index });
  });
  (problem.constraints ?? []).forEach((constraint, index) => {
    if (constraint.forbids.every((clause) => clause.options.includes(draft[clause.issue]!)))
      violates.push({ kind: 'constraint', index });
  });
  const scaled = problem.parties.map(scaleParty);
  const ranked =
    options && scaled.every((party): party is ScaledAdditive => party.kind === 'additive')
      ? draftImprovements(scaled, compileConstraints(problem), draft, options)
      : null;
  if (frontier === null) {
    if (!ranked) throw new RangeError('without the frontier, a draft is assessed by the direct search: pass options');
    // Pareto-optimal exactly when nothing improves on it (proved: `improvable` false).
    return {
      utilities,
      violates,
      paretoOptimal: violates.length === 0 && ranked.improvable === false,
      improvements: [],
      ranked,
    };
  }
  const exact = new ExactVectors(frontier);
  const n = frontier.parties;
  const draftFloat = utilities.map((u) => Number(u.num) / Number(u.den));
  const improvements: number[] = [];
  for (let index = 0; index < frontier.size; index++) {
    let atLeast = true;
    let above = false;
    for (let p = 0; p < n && atLeast; p++) {
      const difference = floatUtility(frontier, index, p) - draftFloat[p]!;
      if (difference < -1e-9) atLeast = false;
      else if (difference > 1e-9) above = true;
      else {
        const value = exact.utility(index, p);
        const left = value.num * utilities[p]!.den;
        const right = utilities[p]!.num * value.den;
        if (left < right) atLeast = false;
        else if (left > right) above = true;
      }
    }
    if (atLeast && above) improvements.push(index);
  }
  const welfare = (index: number) =>
    Array.from({ length: n }, (_, p) => floatUtility(frontier, index, p)).reduce((a, b) => a + b, 0);
  improvements.sort((a, b) => welfare(b) - welfare(a) || a - b);
  return {
    utilities,
    violates,
    paretoOptimal: violates.length === 0 && improvements.length === 0,
    improvements,
    ranked,
  };
}

/** Frontier vectors `offset .. offset + limit − 1` as agreement points, for paging through large frontiers. */
export function frontierPage(frontier: ParetoFrontier, offset: number, limit: number): AgreementPoint[] {
  const end = Math.min(frontier.size, offset + limit);
  const page: AgreementPoint[] = [];
  for (let index = Math.max(0, offset); index < end; index++) page.push(frontierPoint(frontier, index));
  return page;
}
