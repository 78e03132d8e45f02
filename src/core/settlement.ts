import type { LinkConstraint, NegotiationProblem, Preferences, RedLine as EngineRedLine } from '../analysis/model.ts';
import { IMPROVEMENT_LIMIT, READABLE_FRONTIER } from '../analysis/frontier-sample.ts';
import type { PortableAnalysis } from '../analysis/portable.ts';
import type { PointStatus } from '../analysis/bargain.ts';
import { exactNumerator, scaleParty } from '../analysis/scaled.ts';
import {
  compare,
  div,
  parseDecimal,
  rational,
  toDecimalString,
  toNumber,
  ZERO,
  type Rational,
} from '../analysis/rational.ts';
import type { Id, Issue, Preference, RedLine } from './model.ts';

/**
 * The settlement desk: the engine of `analysis` on a negotiation's own issues, options, preferences
 * and red lines. Pure: the caller passes exactly what the requester may see, and the answer says
 * which parties it could not use.
 */

/** A package: one option per issue, and what it gives each party whose preferences were used. */
export interface Package {
  choices: Record<Id, Id>;
  utilities: Record<Id, number>;
}

export interface Settlement {
  /** The parties whose preferences the analysis used, in order. */
  included: Id[];
  /** The parties whose preferences the requester may not see (or that have none): left out. */
  excluded: Id[];
  /** The red lines applied as hard constraints. */
  redLinesApplied: Id[];
  /** The number of packages before the red lines, as a decimal string (it can exceed 2^53). */
  outcomes: string;
  /**
   * The Pareto frontier: all of it up to READABLE_FRONTIER (2,000) packages; beyond, a sample spread
   * along it (each party's best package and packages evenly spaced in the frontier's order), the
   * whole of it streamed by GET …/analyses/{analysisId}/frontier.
   */
  frontier: Package[];
  /** Each of `frontier`'s position in the whole frontier, in the order the streamed listing gives it. */
  frontierIndexes: number[];
  /** True when `frontier` is a sample (the frontier is longer than READABLE_FRONTIER, or was not listed); `frontierSize` says how long. */
  frontierTruncated: boolean;
  /** The number of packages on the frontier (distinct utility vectors), exactly; null when it was not listed. */
  frontierSize: number | null;
  /**
   * False when the frontier was not computed within the analysis' budget (too long to hold, or out of time):
   * `frontier` then holds Pareto-optimal packages found without it (the bargaining points and weighted-welfare
   * maxima), spread along it, in its order, and `frontierSizeAtMost` bounds its size.
   */
  frontierListed: boolean;
  /** When the frontier was not listed: an upper bound of its size, a decimal string. */
  frontierSizeAtMost: string | null;
  nash: Package | null;
  kalaiSmorodinsky: Package | null;
  maxWelfare: Package | null;
  egalitarian: Package | null;
  /**
   * How each named point was settled: `optimal` (proved), `best-found` (the time budget ran out first; `gap`
   * bounds how much better its criterion could be, as a decimal), `none` (proved: no package qualifies) or
   * `not-found` (the budget ran out before one was found).
   */
  pointStatus?: Record<
    'nash' | 'kalaiSmorodinsky' | 'maxWelfare' | 'egalitarian',
    { status: PointStatus; gap: string | null }
  >;
  /** Whether some package keeps every red line and gives every included party its reservation value. */
  agreementPossible: boolean;
  /** When none does: a smallest set of red lines and reservation values that cannot all hold. */
  conflict: string[];
  /** The draft's own package, when it settles every issue. */
  draft: {
    choices: Record<Id, Id>;
    utilities: Record<Id, number>;
    /** The red lines it crosses. */
    crosses: Id[];
    paretoOptimal: boolean;
    /**
     * Packages that leave every included party at least as well off and one better, best first: over the whole
     * frontier by welfare when it was listed; otherwise searched directly, by the Nash product of the gains over
     * the draft (see `ranked`).
     */
    improvements: Package[];
    /** When the frontier was not listed: the best improvements by each included party's gain, and whether each ranking is proved. */
    ranked?: {
      byParty: Record<Id, Package[]>;
      /** Every ranking proved (else the best found within the time budget). */
      complete: boolean;
    };
  } | null;
  /** Issues the draft leaves open (then `draft` is null). */
  draftOpenIssues: Id[];
  /** What the analysis could not do, in words. */
  notes: string[];
}

/** How many frontier packages an answer carries: the whole frontier up to this size, else a sample. */
export const FRONTIER_LIMIT = READABLE_FRONTIER;

const exact = (value: number): Rational => parseDecimal(String(value)) ?? parseDecimal(value.toFixed(15)) ?? ZERO;

/** A party's preferences the GENIUS way: weights × option scores, each issue's scores divided by its best. */
function enginePreferences(preference: Preference, issues: Issue[]): Preferences {
  const weights = issues.map((issue) =>
    Object.hasOwn(preference.weights, issue.id) ? exact(preference.weights[issue.id]!) : ZERO,
  );
  const evaluations = issues.map((issue) => {
    const table = Object.hasOwn(preference.scores, issue.id) ? preference.scores[issue.id]! : {};
    const scores = issue.options.map((option) => (Object.hasOwn(table, option.id) ? exact(table[option.id]!) : ZERO));
    const best = scores.reduce((a, b) => (compare(a, b) >= 0 ? a : b), ZERO);
    return best.num === 0n ? scores.map(() => ZERO) : scores.map((score) => div(score, best));
  });
  return {
    name: preference.partyId,
    utility: { kind: 'additive', weights, evaluations },
    reservation: exact(preference.reservation),
  };
}

/**
 * The engine's problem from what the requester may see: the issues as the outcome space, one utility
 * per visible preference, and every visible red line as a hard constraint (cross-issue combinations
 * included; a `require` forbids every other option, since each package settles every issue).
 */
export function settlementProblem(
  issues: Issue[],
  preferences: Preference[],
  redLines: RedLine[],
): { problem: NegotiationProblem; included: Id[]; redLinesApplied: Id[] } {
  // Retired options are no longer on the table.
  const usable = issues
    .map((issue) => ({ ...issue, options: issue.options.filter((o) => !o.retiredAt) }))
    .filter((issue) => issue.options.length > 0);
  const issueIndex = new Map(usable.map((issue, i) => [issue.id, i]));
  const optionIndex = (issueId: Id, optionId: Id) =>
    usable[issueIndex.get(issueId)!]!.options.findIndex((o) => o.id === optionId);
  const parties = [...preferences].sort((a, b) => a.partyId.localeCompare(b.partyId));
  const included = parties.map((p) => p.partyId);
  const partyOf = (partyId: Id) => (included.includes(partyId) ? included.indexOf(partyId) : undefined);
  const engineRedLines: EngineRedLine[] = [];
  const constraints: LinkConstraint[] = [];
  const applied: Id[] = [];
  for (const redLine of redLines) {
    const c = redLine.constraint;
    const known = (issueId: Id) => issueIndex.has(issueId);
    if (c.kind === 'forbid_combination') {
      if (!c.conditions.every((condition) => known(condition.issueId))) continue;
      const forbids = c.conditions.map((condition) => ({
        issue: issueIndex.get(condition.issueId)!,
        options: condition.optionIds.map((o) => optionIndex(condition.issueId, o)).filter((o) => o >= 0),
      }));
      constraints.push({ party: partyOf(redLine.partyId), label: redLine.id, forbids });
    } else {
      if (!known(c.issueId)) continue;
      const issue = usable[issueIndex.get(c.issueId)!]!;
      const forbidden =
        c.kind === 'forbid' ? c.optionIds : issue.options.map((o) => o.id).filter((o) => !c.optionIds.includes(o));
      for (const optionId of forbidden) {
        const option = optionIndex(c.issueId, optionId);
        if (option >= 0)
          engineRedLines.push({
            party: partyOf(redLine.partyId),
            issue: issueIndex.get(c.issueId)!,
            option,
            label: redLine.id,
          });
      }
    }
    applied.push(redLine.id);
  }
  const problem: NegotiationProblem = {
    space: {
      name: 'negotiation',
      issues: usable.map((issue) => ({ name: issue.id, type: 'discrete', options: issue.options.map((o) => o.id) })),
    },
    parties: parties.map((preference) => enginePreferences(preference, usable)),
    redLines: engineRedLines,
    constraints,
  };
  return { problem, included, redLinesApplied: applied };
}

/** The settlement from the engine's answer, in the negotiation's words (issue, option and party ids). */
export function settlementOf(
  problem: NegotiationProblem,
  included: Id[],
  excluded: Id[],
  redLinesApplied: Id[],
  analysis: PortableAnalysis | null,
  draftChoices: Record<Id, Id>,
  notes: string[] = [],
): Settlement {
  const issues = problem.space.issues;
  const choicesOf = (outcome: readonly number[]) => choicesOfOutcome(problem, outcome);
  const utilitiesOf = (utilities: readonly Rational[]) =>
    Object.fromEntries(utilities.map((u, p) => [included[p]!, toNumber(u)]));
  const pack = (point: { outcome: readonly number[]; utilities: readonly Rational[] } | null): Package | null =>
    point ? packageOf(problem, included, point) : null;
  const open = issues
    .filter((issue) => !Object.hasOwn(draftChoices, issue.name) || !issue.options.includes(draftChoices[issue.name]!))
    .map((issue) => issue.name);
  const frontier = analysis?.pareto ?? [];
  let draft: Settlement['draft'] = null;
  if (analysis && open.length === 0) {
    const outcome = issues.map((issue) => issue.options.indexOf(draftChoices[issue.name]!));
    // Each party's exact utility (as `outcomeUtilities`, without loading the frontier engines here).
    const utilities = problem.parties.map((party) => {
      const scaled = scaleParty(party);
      return rational(exactNumerator(scaled, outcome), scaled.denominator);
    });
    const crosses = [
      ...(problem.redLines ?? []).filter((r) => outcome[r.issue] === r.option).map((r) => r.label!),
      ...(problem.constraints ?? [])
        .filter((c) => c.forbids.every((clause) => clause.options.includes(outcome[clause.issue]!)))
        .map((c) => c.label!),
    ];
    // The worker's answer lists them over the whole frontier, or ranks them directly when it was not listed;
    // an answer without them, over the listed frontier.
    const ranked = analysis.ranked ?? null;
    const improvements = ranked
      ? [...ranked.nash.packages]
      : analysis.improvements
        ? [...analysis.improvements]
        : frontier
            .filter(
              (point) =>
                point.utilities.every((u, p) => compare(u, utilities[p]!) >= 0) &&
                point.utilities.some((u, p) => compare(u, utilities[p]!) > 0),
            )
            .sort((a, b) => welfare(b.utilities) - welfare(a.utilities));
    draft = {
      choices: choicesOf(outcome),
      utilities: utilitiesOf(utilities),
      crosses: [...new Set(crosses)],
      paretoOptimal: crosses.length === 0 && (ranked ? ranked.improvable === false : improvements.length === 0),
      improvements: improvements.slice(0, IMPROVEMENT_LIMIT).map((point) => pack(point)!),
      ...(ranked
        ? {
            ranked: {
              byParty: Object.fromEntries(
                ranked.byParty.map((ranking, p) => [
                  included[p]!,
                  ranking.packages.slice(0, IMPROVEMENT_LIMIT).map((point) => pack(point)!),
                ]),
              ),
              complete: ranked.complete,
            },
          }
        : {}),
    };
  }
  return {
    included,
    excluded,
    redLinesApplied,
    outcomes: String(analysis?.outcomes ?? issues.reduce((n, issue) => n * BigInt(issue.options.length), 1n)),
    frontier: frontier.slice(0, FRONTIER_LIMIT).map((point) => pack(point)!),
    frontierIndexes: (analysis?.paretoIndexes ?? frontier.map((_, index) => index)).slice(0, FRONTIER_LIMIT),
    frontierTruncated:
      analysis?.frontierListed === false ||
      (analysis?.frontierSize ?? frontier.length) > Math.min(frontier.length, FRONTIER_LIMIT),
    frontierSize: analysis ? analysis.frontierSize : frontier.length,
    frontierListed: analysis?.frontierListed ?? true,
    frontierSizeAtMost: analysis?.frontierSizeBound == null ? null : String(analysis.frontierSizeBound),
    nash: pack(analysis?.nash ?? null),
    kalaiSmorodinsky: pack(analysis?.kalaiSmorodinsky ?? null),
    maxWelfare: pack(analysis?.maxWelfare ?? null),
    egalitarian: pack(analysis?.egalitarian ?? null),
    ...(analysis
      ? {
          pointStatus: {
            nash: statusOf(analysis.status.nash, analysis.nash),
            kalaiSmorodinsky: statusOf(analysis.status.kalaiSmorodinsky, analysis.kalaiSmorodinsky),
            maxWelfare: statusOf(analysis.status.maxWelfare, analysis.maxWelfare),
            egalitarian: statusOf(analysis.status.egalitarian, analysis.egalitarian),
          },
        }
      : {}),
    agreementPossible: analysis?.agreement.possible ?? false,
    conflict: unique(
      (analysis?.agreement.conflict ?? []).map((requirement) =>
        requirement.kind === 'reservation'
          ? `the reservation value of ${included[requirement.party]}`
          : requirement.kind === 'redLine'
            ? `red line ${problem.redLines![requirement.index]!.label}`
            : `red line ${problem.constraints![requirement.index]!.label}`,
      ),
    ),
    draft,
    draftOpenIssues: open,
    notes: [
      ...notes,
      ...(analysis && analysis.frontierListed === false ? [notListed(analysis, frontier.length)] : []),
      ...(analysis && !analysis.complete
        ? [
            'the time budget ran out before every bargaining point was proved optimal: see pointStatus for the best found and how far from optimal each may be',
          ]
        : []),
      ...(analysis?.agreement.undecided
        ? [
            'the time budget ran out before a package giving every party its reservation value was found or ruled out: agreementPossible is not proved',
          ]
        : []),
      ...(analysis?.ranked && !analysis.ranked.complete
        ? [
            "the time budget ran out before every ranking of the draft's improvements was proved: the best found are shown",
          ]
        : []),
    ],
  };
}

const unique = (items: string[]) => [...new Set(items)];

/** Why the frontier is not listed and what is shown instead, in words. */
function notListed(analysis: PortableAnalysis, shown: number): string {
  const why =
    analysis.frontierCutReason === 'size'
      ? `computing it held more than ${analysis.frontierLimit!.toLocaleString('en')} packages`
      : 'it was not computed within its share of the time budget';
  return `the Pareto frontier is not listed: ${why}; it has at most ${analysis.frontierSizeBound!.toLocaleString('en')} packages. ${shown} Pareto-optimal packages are shown, spread along it (the bargaining points and the best packages for weights spread over the parties); stream the whole frontier with GET …/analyses/{analysisId}/frontier`;
}

/** An outcome in the negotiation's words: {issueId: optionId}. */
export function choicesOfOutcome(problem: NegotiationProblem, outcome: readonly number[]): Record<Id, Id> {
  const issues = problem.space.issues;
  return Object.fromEntries(outcome.map((option, i) => [issues[i]!.name, issues[i]!.options[option]!]));
}

/** An engine's agreement point as a package: its choices, and each included party's utility. */
export function packageOf(
  problem: NegotiationProblem,
  included: readonly Id[],
  point: { outcome: readonly number[]; utilities: readonly Rational[] },
): Package {
  return {
    choices: choicesOfOutcome(problem, point.outcome),
    utilities: Object.fromEntries(point.utilities.map((u, p) => [included[p]!, toNumber(u)])),
  };
}
const statusOf = (status: PointStatus, point: { gap?: Rational | null } | null) => ({
  status,
  gap: point?.gap ? toDecimalString(point.gap, 12) : null,
});
const welfare = (utilities: readonly Rational[]) => utilities.reduce((sum, u) => sum + toNumber(u), 0);

/** A package's utility for one party, from its own preferences (for a released package). */
export function packageUtility(preference: Preference, issues: Issue[], choices: Record<Id, Id>): number | null {
  return utilityOf(preference, issues)(choices);
}

/**
 * One party's utility of packages, its preferences read into exact scaled form once: for many
 * packages (each version, its best and worst completions), the costly part is paid once, not each time.
 */
export function utilityOf(preference: Preference, issues: Issue[]): (choices: Record<Id, Id>) => number | null {
  const usable = issues.filter((issue) => issue.options.length > 0);
  const scaled = scaleParty(enginePreferences(preference, usable));
  const indexes = usable.map((issue) => new Map(issue.options.map((o, index) => [o.id, index])));
  return (choices) => {
    const outcome = usable.map((issue, i) =>
      Object.hasOwn(choices, issue.id) ? (indexes[i]!.get(choices[issue.id]!) ?? -1) : -1,
    );
    if (outcome.some((o) => o < 0)) return null;
    return toNumber(rational(exactNumerator(scaled, outcome), scaled.denominator));
  };
}
