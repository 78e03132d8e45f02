import type { ParetoFrontier } from './frontier.ts';

/**
 * How much of a Pareto frontier a person reads. Up to READABLE_FRONTIER vectors an answer holds the
 * whole frontier; beyond, its exact size, a sample of FRONTIER_SAMPLE vectors spread along it, and a
 * streamed listing for whoever wants all of it (`parley analyze --stream`, the desk's NDJSON route).
 */
export const READABLE_FRONTIER = 2000;
export const FRONTIER_SAMPLE = 200;
/** How many of the packages that improve on a draft an answer carries, best first. */
export const IMPROVEMENT_LIMIT = 20;

/**
 * Frontier indices, ascending, that represent the frontier: all of them up to `size`; beyond, each
 * party's best vector (the first in the frontier's order on a tie) and indices evenly spaced along the
 * frontier's order (decreasing lexicographic order of utilities, so the sample runs from party 1's best
 * to its worst), the first and last included: at most `size` in all (fewer when a party's best is also
 * an evenly spaced one). Deterministic: the same frontier gives the same sample.
 */
export function frontierSample(frontier: ParetoFrontier, size = FRONTIER_SAMPLE): number[] {
  const total = frontier.size;
  if (total <= size) return Array.from({ length: total }, (_, index) => index);
  const n = frontier.parties;
  const chosen = new Set<number>();
  for (let p = 0; p < n && chosen.size < size; p++) {
    let best = 0;
    for (let index = 1; index < total; index++)
      if (frontier.numerators[index * n + p]! > frontier.numerators[best * n + p]!) best = index;
    chosen.add(best);
  }
  const spaced = Math.max(2, size - chosen.size);
  for (let k = 0; k < spaced && chosen.size < size; k++) chosen.add(Math.round((k * (total - 1)) / (spaced - 1)));
  return [...chosen].sort((a, b) => a - b);
}

/** The frontier's indices an answer lists: every one when the frontier is readable, else the sample. */
export function listedFrontier(frontier: ParetoFrontier): { indexes: number[]; complete: boolean } {
  return frontier.size <= READABLE_FRONTIER
    ? { indexes: Array.from({ length: frontier.size }, (_, index) => index), complete: true }
    : { indexes: frontierSample(frontier), complete: false };
}
