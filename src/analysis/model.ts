import type { Rational } from './rational.ts';

/**
 * The outcome space: issues, each with a finite list of options. Integer and
 * real issues of GENIUS files are discretised when read, so every issue here
 * is a list of options. An outcome picks one option index per issue.
 */
export interface OutcomeSpace {
  readonly name: string;
  readonly issues: readonly Issue[];
}

export interface Issue {
  readonly name: string;
  /** The GENIUS issue number (`index` attribute), which profiles use to refer to the issue. */
  readonly index?: number;
  /** `discrete` options are labels; `integer` and `real` options are the numbers, written as decimals. */
  readonly type: 'discrete' | 'integer' | 'real';
  readonly options: readonly string[];
  /** For integer and real issues: the bounds as written in the domain file. */
  readonly lowerBound?: Rational;
  readonly upperBound?: Rational;
}

/** One option index per issue, in issue order. */
export type Outcome = readonly number[];

/**
 * A linear additive utility function (GENIUS `AdditiveUtilitySpace`):
 * u(outcome) = Σ weight[i] × evaluation[i][option]. Evaluations are already
 * normalised the GENIUS way (discrete ones divided by the issue's largest
 * evaluation; integer ones clamped to [0, 1]).
 */
export interface AdditiveUtility {
  readonly kind: 'additive';
  readonly weights: readonly Rational[];
  readonly evaluations: readonly (readonly Rational[])[];
  /** The raw evaluations as written (discrete issues), kept so that a profile can be written back unchanged. */
  readonly rawEvaluations?: readonly (readonly Rational[] | undefined)[];
  /** Integer issues evaluated by a linear function, kept for writing back. */
  readonly linearEvaluators?: readonly (LinearEvaluator | undefined)[];
}

export interface LinearEvaluator {
  readonly slope: Rational;
  readonly offset: Rational;
}

/**
 * A hyper-rectangle utility function (ANAC 2014 nonlinear profiles, GENIUS
 * `NonlinearUtilitySpace` with a `PlainUfun` summing constraints):
 * u(outcome) = weight × Σ utility of the rectangles the outcome lies in / maxUtility.
 */
export interface HyperRectangleUtility {
  readonly kind: 'hyperrectangle';
  readonly maxUtility: Rational;
  readonly weight: Rational;
  readonly rectangles: readonly HyperRectangle[];
}

export interface HyperRectangle {
  readonly utility: Rational;
  /** The outcome lies in the rectangle when every condition holds. */
  readonly conditions: readonly RectangleCondition[];
}

export interface RectangleCondition {
  readonly issue: number;
  /** Option indices that satisfy the condition (INCLUDES: inside [min, max]; EXCLUDES: outside). */
  readonly options: readonly number[];
}

export type UtilityFunction = AdditiveUtility | HyperRectangleUtility;

/** A party's preferences: its utility function and its reservation value (utility of no deal). */
export interface Preferences {
  readonly name: string;
  readonly utility: UtilityFunction;
  readonly reservation: Rational;
  readonly discountFactor?: Rational;
}

/** An option a party rejects outright: no outcome that contains it can be agreed. */
export interface RedLine {
  readonly party?: number;
  readonly issue: number;
  readonly option: number;
  readonly label?: string;
}

/**
 * A constraint that ties options of several issues together, written as the
 * combination it forbids: an outcome violates it when, for every clause, the
 * option chosen on that issue is one of the clause's options. "If army size is
 * 'no cap' then security guarantees must be 'none'" forbids
 * {army: [no cap], guarantees: [every option but none]}.
 */
export interface LinkConstraint {
  readonly party?: number;
  readonly label?: string;
  readonly forbids: readonly RectangleCondition[];
}

/** Everything the settlement engine works on. */
export interface NegotiationProblem {
  readonly space: OutcomeSpace;
  readonly parties: readonly Preferences[];
  readonly redLines?: readonly RedLine[];
  readonly constraints?: readonly LinkConstraint[];
}

/** The number of outcomes in a space (before hard constraints), exactly. */
export function outcomeCount(space: OutcomeSpace): bigint {
  return space.issues.reduce((product, issue) => product * BigInt(issue.options.length), 1n);
}
