// Seeded random negotiation problems for property tests.
import {
  rational,
  type LinkConstraint,
  type NegotiationProblem,
  type Preferences,
  type RedLine,
} from '../../src/analysis/index.ts';

/** mulberry32: a small, well-known seeded generator. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomProblemOptions {
  parties: number;
  issues: number;
  maxOptions: number;
  /** 'coarse': small integer evaluations and weights (many ties); 'fine': long decimals (the exact fallback path). */
  values: 'coarse' | 'fine';
  redLines?: number;
  constraints?: number;
  reservations?: boolean;
  rectangles?: boolean;
}

export function randomProblem(seed: number, options: RandomProblemOptions): NegotiationProblem {
  const random = seeded(seed);
  const int = (n: number) => Math.floor(random() * n);
  const issues = Array.from({ length: options.issues }, (_, i) => {
    const count = 1 + int(options.maxOptions);
    return options.rectangles
      ? {
          name: `i${i}`,
          type: 'integer' as const,
          options: Array.from({ length: count }, (_, o) => String(o)),
          lowerBound: rational(0n),
          upperBound: rational(BigInt(count - 1)),
        }
      : { name: `i${i}`, type: 'discrete' as const, options: Array.from({ length: count }, (_, o) => `o${o}`) };
  });
  const space = { name: `random-${seed}`, issues };
  const decimal = () =>
    options.values === 'coarse' ? rational(BigInt(int(4))) : rational(BigInt(Math.floor(random() * 1e15)), 10n ** 15n);
  const parties: Preferences[] = Array.from({ length: options.parties }, (_, p) => {
    const reservation = options.reservations ? rational(BigInt(int(7)), 10n) : rational(0n);
    if (options.rectangles) {
      const rectangles = Array.from({ length: 2 + int(5) }, () => {
        const conditions = [...new Set(Array.from({ length: 1 + int(2) }, () => int(issues.length)))].map((issue) => {
          const size = issues[issue]!.options.length;
          const a = int(size);
          const b = a + int(size - a);
          return { issue, options: Array.from({ length: b - a + 1 }, (_, k) => a + k) };
        });
        return { utility: rational(BigInt(1 + int(9))), conditions };
      });
      const total = rectangles.reduce((s, r) => s + r.utility.num, 0n);
      return {
        name: `p${p}`,
        reservation,
        utility: { kind: 'hyperrectangle', maxUtility: rational(total), weight: rational(1n), rectangles },
      };
    }
    const raw = issues.map(() => (options.values === 'coarse' ? BigInt(1 + int(3)) : BigInt(1 + int(1_000_000))));
    const sum = raw.reduce((a, b) => a + b, 0n);
    const weights = raw.map((w) => rational(w, sum));
    const evaluations = issues.map((issue) => {
      const values = issue.options.map(() => decimal());
      const largest = values.reduce((m, v) => (v.num * m.den > m.num * v.den ? v : m), rational(0n));
      return values.map((v) =>
        largest.num === 0n ? rational(0n) : rational(v.num * largest.den, v.den * largest.num),
      );
    });
    return { name: `p${p}`, reservation, utility: { kind: 'additive', weights, evaluations } };
  });
  const redLines: RedLine[] = Array.from({ length: options.redLines ?? 0 }, () => {
    const issue = int(issues.length);
    return { party: int(options.parties), issue, option: int(issues[issue]!.options.length) };
  });
  const constraints: LinkConstraint[] = Array.from({ length: options.constraints ?? 0 }, () => {
    const picked = [...new Set([int(issues.length), int(issues.length)])];
    return {
      forbids: picked.map((issue) => ({
        issue,
        options: issues[issue]!.options.map((_, o) => o).filter(() => random() < 0.6),
      })),
    };
  });
  return { space, parties, redLines, constraints };
}
