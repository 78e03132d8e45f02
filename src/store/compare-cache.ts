import { createHash } from 'node:crypto';
import type { VersionComparison } from '../core/compare.ts';
import type { Point } from '../core/model.ts';

/**
 * Comparisons already computed, keyed by the SHA-256 of the two sides exactly as compared (the points
 * one reader may see). Two readers share an entry only when they compared the same texts, so the
 * cache can never hand one reader what another may see. Least recently used entries go first.
 */
export class ComparisonCache {
  private readonly entries = new Map<string, VersionComparison>();

  constructor(private readonly capacity: number) {}

  async compare(
    base: Point[],
    proposal: Point[],
    compute: (base: Point[], proposal: Point[]) => Promise<VersionComparison>,
  ): Promise<VersionComparison> {
    const key = createHash('sha256')
      .update(JSON.stringify([base, proposal]))
      .digest('hex');
    const known = this.entries.get(key);
    if (known) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return structuredClone(known);
    }
    const comparison = await compute(base, proposal);
    this.entries.set(key, comparison);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return structuredClone(comparison);
  }
}
