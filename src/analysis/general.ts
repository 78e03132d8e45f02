import {
  CHECK_EVERY,
  FrontierStopped,
  type ParetoFrontier,
  type CompiledConstraints,
  type FrontierCheck,
  type ProgressCallback,
} from './frontier.ts';
import { ParetoArchive } from './archive.ts';
import { exactNumerator, type ScaledParty } from './scaled.ts';

/**
 * The exact Pareto frontier for any mix of utility functions (additive and
 * ANAC 2014 hyper-rectangles), without enumerating the outcome space:
 *
 * 1. Options of an issue that no utility function, red line or constraint can
 *    tell apart are merged into one class (a rectangle [3, 8] splits 0..9 into
 *    three classes); the count of merged options multiplies outcome counts.
 * 2. Depth-first branch and bound over the classes: a partial outcome is
 *    dropped when an outcome already found is at least as good for everyone as
 *    the best the partial outcome could still reach, and differs from it.
 *
 * Every outcome whose utility vector is Pareto-optimal is visited (only
 * strictly dominated subtrees are pruned), so counts are exact, and the
 * archive keeps the lexicographically smallest outcome of each vector.
 */
export function generalFrontier(
  scaled: readonly ScaledParty[],
  constraints: CompiledConstraints,
  onProgress?: ProgressCallback,
  check?: FrontierCheck,
): ParetoFrontier {
  const n = scaled.length;
  let sinceCheck = 0;
  const issueCount = constraints.allowed.length;

  // 1. Option classes per issue.
  const classes: { representative: number; size: number }[][] = [];
  for (let issue = 0; issue < issueCount; issue++) {
    const bySignature = new Map<string, { representative: number; size: number }>();
    const list: { representative: number; size: number }[] = [];
    constraints.allowed[issue]!.forEach((allowed, option) => {
      if (!allowed) return;
      const parts: string[] = [];
      for (const party of scaled) {
        if (party.kind === 'additive') parts.push(party.numerators[issue]![option]!.toString());
        else {
          for (const rectangle of party.rectangles) {
            for (const condition of rectangle.conditions)
              if (condition.issue === issue) parts.push(condition.options.includes(option) ? '1' : '0');
          }
        }
      }
      for (const nogood of constraints.nogoods) {
        for (const clause of nogood.clauses) if (clause.issue === issue) parts.push(clause.options[option] ? '1' : '0');
      }
      const signature = parts.join('|');
      const existing = bySignature.get(signature);
      if (existing) existing.size++;
      else {
        const created = { representative: option, size: 1 };
        bySignature.set(signature, created);
        list.push(created);
      }
    });
    classes.push(list);
  }

  // Search order: the issues most conditions depend on first, so that rectangles complete, and
  // bounds tighten, early. Any order is exact; representatives are kept lexicographically
  // smallest by the archive.
  const touching = new Array<number>(issueCount).fill(0);
  for (const party of scaled) {
    if (party.kind === 'hyperrectangle')
      for (const rectangle of party.rectangles)
        for (const condition of rectangle.conditions) touching[condition.issue]!++;
  }
  for (const nogood of constraints.nogoods) for (const clause of nogood.clauses) touching[clause.issue]!++;
  const order = Array.from({ length: issueCount }, (_, issue) => issue).sort(
    (a, b) => touching[b]! - touching[a]! || a - b,
  );
  const depthOf = new Array<number>(issueCount);
  order.forEach((issue, depth) => (depthOf[issue] = depth));

  // Rectangles and nogoods as "checks": each dies when a condition fails, completes at its last depth.
  interface Check {
    party: number; // -1 for a nogood
    numerator: bigint;
    value: number;
  }
  const checks: Check[] = [];
  // failing[issue][class] = check ids whose condition on this issue the class fails
  const failing: number[][][] = classes.map((list) => list.map(() => []));
  const completing: number[][] = Array.from({ length: issueCount }, () => []); // by depth
  const constantNumerator: bigint[] = scaled.map(() => 0n);
  const addCheck = (
    party: number,
    numerator: bigint,
    conditions: readonly { issue: number; matches: (option: number) => boolean }[],
  ) => {
    if (conditions.length === 0) {
      if (party >= 0) constantNumerator[party]! += numerator;
      return;
    }
    const id = checks.length;
    const lastDepth = Math.max(...conditions.map((condition) => depthOf[condition.issue]!));
    checks.push({ party, numerator, value: Number(numerator) });
    completing[lastDepth]!.push(id);
    for (const condition of conditions) {
      classes[condition.issue]!.forEach((cls, c) => {
        if (!condition.matches(cls.representative)) failing[condition.issue]![c]!.push(id);
      });
    }
  };
  scaled.forEach((party, p) => {
    if (party.kind !== 'hyperrectangle') return;
    party.rectangles.forEach((rectangle, r) => {
      const sets = rectangle.conditions.map((condition) => ({
        issue: condition.issue,
        set: new Set(condition.options),
      }));
      addCheck(
        p,
        party.numerators[r]!,
        sets.map(({ issue, set }) => ({ issue, matches: (option: number) => set.has(option) })),
      );
    });
  });
  for (const nogood of constraints.nogoods) {
    addCheck(
      -1,
      0n,
      nogood.clauses.map((clause) => ({
        issue: clause.issue,
        matches: (option: number) => clause.options[option] === true,
      })),
    );
  }

  // Upper bounds: additive parties reach at most the best remaining classes.
  const suffixBest: Float64Array[] = scaled.map((party) => {
    const suffix = new Float64Array(issueCount + 1);
    if (party.kind === 'additive') {
      for (let depth = issueCount - 1; depth >= 0; depth--) {
        const issue = order[depth]!;
        const best = Math.max(...classes[issue]!.map((cls) => party.values[issue]![cls.representative]!), -Infinity);
        suffix[depth] = suffix[depth + 1]! + (Number.isFinite(best) ? best : 0);
      }
    }
    return suffix;
  });
  const tolerance = Float64Array.from(scaled, (party) => party.tolerance);

  const dead = new Int32Array(checks.length);
  // Sums and open potentials per depth: each child state is computed from its parent's, never
  // undone, so float errors stay bounded by the additions along one path (see ScaledUtility).
  const sums = new Float64Array((issueCount + 1) * n);
  const potentials = new Float64Array((issueCount + 1) * n); // positive numerators of rectangles still open
  constantNumerator.forEach((value, p) => (sums[p] = Number(value)));
  checks.forEach((check) => {
    if (check.party >= 0 && check.value > 0) potentials[check.party]! += check.value;
  });
  const outcome = new Array<number>(issueCount).fill(0);
  const archive = new ParetoArchive(n, tolerance, (party, rep) => exactNumerator(scaled[party]!, rep));
  const vector = new Array<number>(n).fill(0);

  const bound = new Float64Array(n);
  let visited = 0;
  const topClasses = issueCount > 0 ? classes[order[0]!]!.length : 1;
  const search = (depth: number, count: number | bigint) => {
    if (depth === issueCount) {
      for (let p = 0; p < n; p++) vector[p] = sums[depth * n + p]!;
      archive.insert(vector, outcome, count);
      return;
    }
    const issue = order[depth]!;
    const list = classes[issue]!;
    const from = depth * n;
    const to = from + n;
    for (let c = 0; c < list.length; c++) {
      const cls = list[c]!;
      for (let p = 0; p < n; p++) {
        const party = scaled[p]!;
        sums[to + p] = sums[from + p]! + (party.kind === 'additive' ? party.values[issue]![cls.representative]! : 0);
        potentials[to + p] = potentials[from + p]!;
      }
      const killed = failing[issue]![c]!;
      for (const id of killed) {
        if (dead[id]!++ === 0) {
          const check = checks[id]!;
          if (check.party >= 0 && check.value > 0) potentials[to + check.party]! -= check.value;
        }
      }
      let violated = false;
      for (const id of completing[depth]!) {
        const check = checks[id]!;
        if (dead[id] !== 0) continue;
        if (check.party < 0) violated = true;
        else {
          sums[to + check.party]! += check.value;
          if (check.value > 0) potentials[to + check.party]! -= check.value;
        }
      }
      outcome[issue] = cls.representative;
      if (!violated) {
        for (let p = 0; p < n; p++) bound[p] = sums[to + p]! + potentials[to + p]! + suffixBest[p]![depth + 1]!;
        if (!archive.dominatesBound(bound)) {
          if (++sinceCheck >= CHECK_EVERY) {
            sinceCheck = 0;
            if (check?.(archive.size)) throw new FrontierStopped(archive.size);
          }
          const next =
            typeof count === 'number' && count * cls.size <= Number.MAX_SAFE_INTEGER
              ? count * cls.size
              : BigInt(count) * BigInt(cls.size);
          search(depth + 1, next);
        }
      }
      for (const id of killed) dead[id]!--;
      if (depth === 0) onProgress?.(++visited, topClasses);
    }
  };
  search(0, 1);
  if (check?.(archive.size)) throw new FrontierStopped(archive.size);
  return frontierFromArchive(archive, scaled);
}

/** The archive as a ParetoFrontier, in decreasing lexicographic order of utilities. */
export function frontierFromArchive(archive: ParetoArchive, scaled: readonly ScaledParty[]): ParetoFrontier {
  const n = archive.parties;
  const entries = archive.sortedEntries();
  const numerators = new Float64Array(entries.length * n);
  entries.forEach((entry, position) => {
    for (let p = 0; p < n; p++) numerators[position * n + p] = entry.vector[p]!;
  });
  return {
    parties: n,
    size: entries.length,
    numerators,
    counts: entries.map((entry) => entry.count),
    scaled,
    representative: (index) => [...entries[index]!.outcome],
    exactNumerator: (index, party) => exactNumerator(scaled[party]!, entries[index]!.outcome),
  };
}
