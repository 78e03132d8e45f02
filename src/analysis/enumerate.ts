import { ParetoArchive } from './archive.ts';
import {
  CHECK_EVERY,
  FrontierStopped,
  type CompiledConstraints,
  type FrontierCheck,
  type ParetoFrontier,
  type ProgressCallback,
} from './frontier.ts';
import { frontierFromArchive } from './general.ts';
import { exactNumerator, type ScaledParty } from './scaled.ts';

/**
 * The Pareto frontier by plain enumeration of every outcome that satisfies the
 * hard constraints. Used for small outcome spaces and as the baseline the
 * benchmark measures the other engines against. Additive utilities are summed
 * incrementally (one addition per party per outcome on the innermost issue).
 */
export function enumerationFrontier(
  scaled: readonly ScaledParty[],
  constraints: CompiledConstraints,
  onProgress?: ProgressCallback,
  check?: FrontierCheck,
): ParetoFrontier {
  const n = scaled.length;
  let sinceCheck = 0;
  const checked = () => {
    if (++sinceCheck < CHECK_EVERY) return;
    sinceCheck = 0;
    if (check?.(archive.size)) throw new FrontierStopped(archive.size);
  };
  const issueCount = constraints.allowed.length;
  const options = constraints.allowed.map((row) => row.flatMap((ok, option) => (ok ? [option] : [])));
  const tolerance = Float64Array.from(scaled, (party) => party.tolerance);
  const archive = new ParetoArchive(n, tolerance, (party, outcome) => exactNumerator(scaled[party]!, outcome));
  if (options.some((list) => list.length === 0)) return frontierFromArchive(archive, scaled);

  const additive = scaled.every((party) => party.kind === 'additive');
  const outcome = options.map((list) => list[0]!);
  const vector = new Array<number>(n).fill(0);
  const violates = (): boolean =>
    constraints.nogoods.some((nogood) =>
      nogood.clauses.every((clause) => clause.options[outcome[clause.issue]!] === true),
    );
  const floatValue = (p: number): number => {
    const party = scaled[p]!;
    if (party.kind === 'additive') {
      let sum = 0;
      for (let issue = 0; issue < issueCount; issue++) sum += party.values[issue]![outcome[issue]!]!;
      return sum;
    }
    let sum = 0;
    party.rectangles.forEach((rectangle, r) => {
      if (rectangle.conditions.every((condition) => condition.options.includes(outcome[condition.issue]!)))
        sum += party.values[r]!;
    });
    return sum;
  };

  // prefix[level * n + p]: sum of party p's values over issues before `level`.
  const prefix = new Float64Array((issueCount + 1) * n);
  const last = issueCount - 1;
  const lastOptions = options[last]!;
  const issueValues = scaled.map((party) => (party.kind === 'additive' ? party.values : []));
  const lastValues = issueValues.map((values) => values[last] ?? new Float64Array(0));
  const hasNogoods = constraints.nogoods.length > 0;
  const topCount = options[0]?.length ?? 1;

  if (issueCount === 0) {
    // One outcome, the empty one: constant utilities only.
    for (let p = 0; p < n; p++) vector[p] = floatValue(p);
    if (!(hasNogoods && violates())) archive.insert(vector, outcome, 1);
    return frontierFromArchive(archive, scaled);
  }
  const visit = (level: number) => {
    if (level === last) {
      for (const option of lastOptions) {
        outcome[last] = option;
        if (hasNogoods && violates()) continue;
        if (additive) for (let p = 0; p < n; p++) vector[p] = prefix[level * n + p]! + lastValues[p]![option]!;
        else for (let p = 0; p < n; p++) vector[p] = floatValue(p);
        archive.insert(vector, outcome, 1);
        checked();
      }
      return;
    }
    const list = options[level]!;
    for (let i = 0; i < list.length; i++) {
      const option = list[i]!;
      outcome[level] = option;
      if (additive) {
        for (let p = 0; p < n; p++)
          prefix[(level + 1) * n + p] = prefix[level * n + p]! + issueValues[p]![level]![option]!;
      }
      visit(level + 1);
      if (level === 0) onProgress?.(i + 1, topCount);
    }
  };
  visit(0);
  if (check?.(archive.size)) throw new FrontierStopped(archive.size);
  return frontierFromArchive(archive, scaled);
}
