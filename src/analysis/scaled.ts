import type { AdditiveUtility, HyperRectangleUtility, Outcome, Preferences } from './model.ts';
import { lcm, mul, div, rational, type Rational } from './rational.ts';

/**
 * A party's utilities as integers over one common denominator:
 * utility = (Σ numerators) / denominator. Doubles carry the numerators for
 * speed; when every sum stays below 2^53 they are exact (`exactInFloat`),
 * otherwise comparisons closer than `tolerance` are settled with the BigInt
 * numerators.
 */
export interface ScaledUtility {
  readonly denominator: bigint;
  readonly denominatorAsNumber: number;
  readonly exactInFloat: boolean;
  /** Bound on the rounding error of a difference of two float sums, in numerator units. */
  readonly tolerance: number;
}

export interface ScaledAdditive extends ScaledUtility {
  readonly kind: 'additive';
  /** numerators[issue][option] */
  readonly numerators: readonly (readonly bigint[])[];
  readonly values: readonly Float64Array[];
}

export interface ScaledRectangles extends ScaledUtility {
  readonly kind: 'hyperrectangle';
  /** One numerator per rectangle. */
  readonly numerators: readonly bigint[];
  readonly values: Float64Array;
  readonly rectangles: HyperRectangleUtility['rectangles'];
}

export type ScaledParty = ScaledAdditive | ScaledRectangles;

function errorBound(total: bigint, terms: number): { exactInFloat: boolean; tolerance: number } {
  const exactInFloat = total < 2n ** 53n;
  // Each double carries a relative error of 2^-53 at most, and each of the `terms` additions one more.
  return { exactInFloat, tolerance: exactInFloat ? 0 : (4 * terms + 16) * 2 ** -53 * Number(total) };
}

function scaleAdditive(utility: AdditiveUtility): ScaledAdditive {
  const contributions: Rational[][] = utility.evaluations.map((row, issue) =>
    row.map((evaluation) => mul(utility.weights[issue]!, evaluation)),
  );
  const denominator = contributions.flat().reduce((d, c) => lcm(d, c.den), 1n);
  const numerators = contributions.map((row) => row.map((c) => c.num * (denominator / c.den)));
  const total = numerators.reduce((sum, row) => sum + row.reduce((a, b) => (b > a ? b : a), 0n), 0n);
  return {
    kind: 'additive',
    denominator,
    denominatorAsNumber: Number(denominator),
    numerators,
    values: numerators.map((row) => Float64Array.from(row, Number)),
    ...errorBound(total, numerators.length),
  };
}

function scaleRectangles(utility: HyperRectangleUtility): ScaledRectangles {
  const contributions = utility.rectangles.map((rectangle) =>
    div(mul(utility.weight, rectangle.utility), utility.maxUtility),
  );
  const denominator = contributions.reduce((d, c) => lcm(d, c.den), 1n);
  const numerators = contributions.map((c) => c.num * (denominator / c.den));
  const total = numerators.reduce((sum, n) => sum + (n < 0n ? -n : n), 0n);
  return {
    kind: 'hyperrectangle',
    denominator,
    denominatorAsNumber: Number(denominator),
    numerators,
    values: Float64Array.from(numerators, Number),
    rectangles: utility.rectangles,
    ...errorBound(total, numerators.length),
  };
}

/** Scales a party's utility function to integer numerators. */
export function scaleParty(preferences: Preferences): ScaledParty {
  return preferences.utility.kind === 'additive'
    ? scaleAdditive(preferences.utility)
    : scaleRectangles(preferences.utility);
}

/** The exact utility numerator of an outcome (over `scaled.denominator`). */
export function exactNumerator(scaled: ScaledParty, outcome: Outcome): bigint {
  if (scaled.kind === 'additive')
    return outcome.reduce((sum, option, issue) => sum + scaled.numerators[issue]![option]!, 0n);
  let sum = 0n;
  scaled.rectangles.forEach((rectangle, r) => {
    if (rectangle.conditions.every((condition) => condition.options.includes(outcome[condition.issue]!)))
      sum += scaled.numerators[r]!;
  });
  return sum;
}

/** The exact utility of an outcome for one party. */
export function exactUtility(scaled: ScaledParty, outcome: Outcome): Rational {
  return rational(exactNumerator(scaled, outcome), scaled.denominator);
}
