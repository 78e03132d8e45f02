/**
 * Seeded synthetic negotiation domains with opposed preferences, for the
 * settlement-engine benchmark.
 *
 * `opposedDomain({ parties, issues, options, seed })` builds `issues` discrete
 * issues of `options` options each. Every party has an ideal position on every
 * issue, spread evenly across the options and rotated per issue (party p's
 * ideal on issue i is at ((p + i) mod parties) / (parties − 1) of the range), so
 * that what one party gains another loses. A party's evaluation of an option is
 * a GENIUS-style integer score 1..9 falling linearly with the distance from its
 * ideal, plus a seeded ±1 jitter; weights are GENIUS-style decimals in
 * thousandths (random integers summing to 1000, then divided by 1000). The
 * result is what a GENIUS file with these numbers would give.
 */
import { rational, type NegotiationProblem, type Preferences } from '../src/analysis/index.ts';
import { seeded } from '../test/analysis/random.ts';

export interface SyntheticOptions {
  readonly parties: number;
  readonly issues: number;
  readonly options: number;
  readonly seed: number;
}

export function opposedDomain({ parties, issues, options, seed }: SyntheticOptions): NegotiationProblem {
  const random = seeded(seed);
  const space = {
    name: `opposed-${parties}x${issues}x${options}-seed${seed}`,
    issues: Array.from({ length: issues }, (_, i) => ({
      name: `issue${i + 1}`,
      type: 'discrete' as const,
      options: Array.from({ length: options }, (_, o) => `option${o + 1}`),
    })),
  };
  const preferences: Preferences[] = Array.from({ length: parties }, (_, p) => {
    // Weights: integers summing to 1000, each at least 1.
    const raw = Array.from({ length: issues }, () => 1 + random() * 9);
    const total = raw.reduce((a, b) => a + b, 0);
    const thousandths = raw.map((r) => Math.max(1, Math.floor((r / total) * 1000)));
    thousandths[0]! += 1000 - thousandths.reduce((a, b) => a + b, 0);
    const evaluations = Array.from({ length: issues }, (_, i) => {
      const ideal = parties === 1 ? 0 : (((p + i) % parties) / (parties - 1)) * (options - 1);
      const scores = Array.from({ length: options }, (_, o) => {
        const distance = Math.abs(o - ideal) / Math.max(1, options - 1);
        const jitter = Math.floor(random() * 3) - 1;
        return Math.min(9, Math.max(1, Math.round(9 - 8 * distance) + jitter));
      });
      const largest = Math.max(...scores);
      return scores.map((score) => rational(BigInt(score), BigInt(largest)));
    });
    return {
      name: `party${p + 1}`,
      reservation: rational(0n),
      utility: { kind: 'additive', weights: thousandths.map((t) => rational(BigInt(t), 1000n)), evaluations },
    };
  });
  return { space, parties: preferences };
}

export interface RealTableOptions {
  readonly parties: number;
  readonly issues: number;
  readonly seed: number;
  /** Options per issue, drawn from [minOptions, maxOptions] (default 3..5). */
  readonly minOptions?: number;
  readonly maxOptions?: number;
}

/**
 * A seeded domain the shape of a real negotiating table: linear-additive, 3–5 options an issue, and
 * mixed opposition: on about two issues in three the parties' ideals rotate as in `opposedDomain` (what
 * one gains another loses), on the others they share an ideal (an issue everyone wants settled the same
 * way, each scoring it its own way). Scores are GENIUS-style integers 1..9 with a ±1 jitter, weights
 * thousandths: what GENIUS files with these numbers would give.
 */
export function realTableDomain({
  parties,
  issues,
  seed,
  minOptions = 3,
  maxOptions = 5,
}: RealTableOptions): NegotiationProblem {
  const random = seeded(seed);
  const sizes = Array.from({ length: issues }, () => minOptions + Math.floor(random() * (maxOptions - minOptions + 1)));
  const shared = sizes.map(() => random() < 1 / 3);
  const commonIdeal = sizes.map((size) => Math.floor(random() * size));
  const space = {
    name: `table-${parties}x${issues}-seed${seed}`,
    issues: sizes.map((size, i) => ({
      name: `issue${i + 1}`,
      type: 'discrete' as const,
      options: Array.from({ length: size }, (_, o) => `option${o + 1}`),
    })),
  };
  const preferences: Preferences[] = Array.from({ length: parties }, (_, p) => {
    const raw = sizes.map(() => 1 + random() * 9);
    const total = raw.reduce((a, b) => a + b, 0);
    const thousandths = raw.map((r) => Math.max(1, Math.floor((r / total) * 1000)));
    thousandths[0]! += 1000 - thousandths.reduce((a, b) => a + b, 0);
    const evaluations = sizes.map((size, i) => {
      const ideal = shared[i]
        ? commonIdeal[i]!
        : parties === 1
          ? 0
          : (((p + i) % parties) / (parties - 1)) * (size - 1);
      const scores = Array.from({ length: size }, (_, o) => {
        const distance = Math.abs(o - ideal) / Math.max(1, size - 1);
        const jitter = Math.floor(random() * 3) - 1;
        return Math.min(9, Math.max(1, Math.round(9 - 8 * distance) + jitter));
      });
      const largest = Math.max(...scores);
      return scores.map((score) => rational(BigInt(score), BigInt(largest)));
    });
    return {
      name: `party${p + 1}`,
      reservation: rational(0n),
      utility: { kind: 'additive', weights: thousandths.map((t) => rational(BigInt(t), 1000n)), evaluations },
    };
  });
  return { space, parties: preferences };
}
