import type { Id, Issue, OptionCondition, Party, RedLine, RedLineConstraint, Version } from './model.ts';
import { PhraseMatcher, phraseWords } from './phrases.ts';

/** A record's own entry: ids such as "toString" must not find what every object inherits. */
const own = (record: Record<Id, Id>, key: Id): Id | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);

/** One red line a draft crosses, and why. */
export interface RedLineCrossing {
  redLineId: Id;
  partyId: Id;
  title: string;
  /** Why it is crossed, in words: "settles Armed-forces ceiling on 600,000". */
  reason: string;
  /** The points of the draft that decide the issues involved. */
  pointIds: Id[];
}

/** A bracket alternative that would cross a red line the settled text does not cross. */
export interface AlternativeCrossing {
  pointId: Id;
  pointNumber: number;
  bracketId: Id;
  /** The alternative's place in its bracket, as a letter: A, B, … */
  alternative: string;
  redLineId: Id;
  partyId: Id;
  title: string;
  reason: string;
  /** Where the alternative stands, in words: " of bracket 2 in point 14". */
  where: string;
}

/**
 * Wording that names one option while the text's choices (or a bracket alternative's) settle the
 * issue on another: the red-line check reads the choices, so a reader must know they disagree.
 */
export interface WordingWarning {
  pointId: Id;
  pointNumber: number;
  issueId: Id;
  /** The option the wording names. */
  namedOptionId: Id;
  /** The option the choices settle on. */
  chosenOptionId: Id;
  /** Set when the wording is a bracket alternative's: its bracket and its letter. */
  bracketId: Id | null;
  alternative: string | null;
  message: string;
}

export interface RedLineReport {
  crossings: RedLineCrossing[];
  /** What the open brackets could still make the text cross: alternatives that name their options. */
  alternatives: AlternativeCrossing[];
  /** Where the wording names an option but the choices say another. */
  warnings: WordingWarning[];
  /** "This draft crosses 3 red lines: …" or "This draft crosses no red line.", then the alternatives and warnings. */
  message: string;
}

/** A problem in a red line's definition against the negotiation's issues. */
export function constraintProblems(constraint: RedLineConstraint, issues: Issue[]): string[] {
  const conditions: OptionCondition[] = constraint.kind === 'forbid_combination' ? constraint.conditions : [constraint];
  const problems: string[] = [];
  if (constraint.kind === 'forbid_combination' && conditions.length < 2)
    problems.push('a forbidden combination needs at least two conditions');
  for (const condition of conditions) {
    const issue = issues.find((i) => i.id === condition.issueId);
    if (!issue) {
      problems.push(`unknown issue "${condition.issueId}"; use the id of one of the negotiation's issues`);
      continue;
    }
    if (condition.optionIds.length === 0) problems.push(`name at least one option of issue "${issue.name}"`);
    for (const optionId of condition.optionIds) {
      if (!issue.options.some((o) => o.id === optionId))
        problems.push(`issue "${issue.name}" has no option "${optionId}"`);
    }
  }
  return problems;
}

/** The option an issue is settled on, or undefined when it is open. */
type Chosen = (issueId: Id) => Id | undefined;

/** A condition's options as a set, made once per list of options (red lines are read many times, never changed in place). */
const optionSets = new WeakMap<readonly Id[], ReadonlySet<Id>>();
function isAmong(option: Id, optionIds: readonly Id[]): boolean {
  if (optionIds.length <= 8) return optionIds.includes(option);
  let set = optionSets.get(optionIds);
  if (!set) optionSets.set(optionIds, (set = new Set(optionIds)));
  return set.has(option);
}

function meets(chosen: Chosen, condition: OptionCondition): boolean {
  const option = chosen(condition.issueId);
  return option !== undefined && isAmong(option, condition.optionIds);
}

function describeChoice(issueById: ReadonlyMap<Id, Issue>, issueId: Id, chosen: Chosen): string {
  const issue = issueById.get(issueId);
  const optionId = chosen(issueId);
  const option = issue?.options.find((o) => o.id === optionId);
  return `settles ${issue?.name ?? issueId} on ${option?.label ?? optionId}`;
}

function reasonFor(constraint: RedLineConstraint, chosen: Chosen, issueById: ReadonlyMap<Id, Issue>): string | null {
  switch (constraint.kind) {
    case 'forbid':
      return meets(chosen, constraint) ? describeChoice(issueById, constraint.issueId, chosen) : null;
    case 'require': {
      const option = chosen(constraint.issueId);
      if (option === undefined || isAmong(option, constraint.optionIds)) return null;
      return describeChoice(issueById, constraint.issueId, chosen);
    }
    case 'forbid_combination':
      if (!constraint.conditions.every((condition) => meets(chosen, condition))) return null;
      return constraint.conditions
        .map((condition) => describeChoice(issueById, condition.issueId, chosen))
        .join(' and ');
  }
}

const byId = <T extends { id: Id }>(items: readonly T[]) => new Map(items.map((item) => [item.id, item]));

/** Whether a set of option choices crosses one red line, and the reason in words when it does. */
export function crossingReason(constraint: RedLineConstraint, choices: Record<Id, Id>, issues: Issue[]): string | null {
  return reasonFor(constraint, (issueId) => own(choices, issueId), byId(issues));
}

function issuesOf(constraint: RedLineConstraint): Id[] {
  return constraint.kind === 'forbid_combination' ? constraint.conditions.map((c) => c.issueId) : [constraint.issueId];
}

/** Most bracket alternatives' crossings, and most wording warnings, one report lists (the message says when there are more). */
export const MAX_REPORTED = 200;

/**
 * The red lines a draft's settled choices cross, each with the points that decide its issues. Costs
 * time linear in the draft's points and the red lines' conditions (and the points listed). Without
 * `describe`, the reasons are left empty (progress counts crossings and reads no reason).
 */
export function redLineCrossings(
  version: Pick<Version, 'points' | 'optionChoices'>,
  redLines: RedLine[],
  issues: Issue[],
  describe = true,
): RedLineCrossing[] {
  const issueById = byId(issues);
  const chosen: Chosen = (issueId) => own(version.optionChoices, issueId);
  const pointsOfIssue = new Map<Id, number[]>();
  version.points.forEach((point, index) => {
    for (const issueId of new Set(point.issueIds)) {
      const list = pointsOfIssue.get(issueId);
      if (list) list.push(index);
      else pointsOfIssue.set(issueId, [index]);
    }
  });
  // Which points a crossing involves, marked per crossing (its number) rather than collected in a set.
  const marks = new Uint32Array(version.points.length);
  const crossings: RedLineCrossing[] = [];
  for (const redLine of redLines) {
    const crossesIt = describe
      ? reasonFor(redLine.constraint, chosen, issueById)
      : reasonFor(redLine.constraint, chosen, EMPTY_ISSUES) && '';
    if (crossesIt === null) continue;
    const stamp = crossings.length + 1;
    let count = 0;
    for (const issueId of issuesOf(redLine.constraint))
      for (const index of pointsOfIssue.get(issueId) ?? [])
        if (marks[index] !== stamp) {
          marks[index] = stamp;
          count++;
        }
    const pointIds: Id[] = [];
    for (let index = 0; pointIds.length < count; index++)
      if (marks[index] === stamp) pointIds.push(version.points[index]!.id);
    crossings.push({
      redLineId: redLine.id,
      partyId: redLine.partyId,
      title: redLine.title,
      reason: crossesIt,
      pointIds,
    });
  }
  return crossings;
}

const EMPTY_ISSUES: ReadonlyMap<Id, Issue> = new Map();

/**
 * Checks a draft against red lines: which it crosses, with the points that decide the issues involved.
 * Only the red lines passed in are checked, so a caller that passes the red lines one person may see
 * gets a report that reveals nothing else. Costs time linear in the draft's text and the red lines
 * (an alternative is checked only against the red lines on the issues it names); at most
 * `MAX_REPORTED` alternatives' crossings and warnings are listed.
 */
export function checkRedLines(
  version: Pick<Version, 'points' | 'optionChoices'>,
  redLines: RedLine[],
  issues: Issue[],
  parties: Pick<Party, 'id' | 'shortName'>[],
  labels?: OptionLabels,
): RedLineReport {
  const issueById = byId(issues);
  const crossings = redLineCrossings(version, redLines, issues);
  const crossed = new Set(crossings.map((c) => c.redLineId));
  // The red lines not crossed yet on each issue, by their place in the list.
  const onIssue = new Map<Id, number[]>();
  redLines.forEach((redLine, place) => {
    if (crossed.has(redLine.id)) return;
    for (const issueId of new Set(issuesOf(redLine.constraint))) {
      const list = onIssue.get(issueId);
      if (list) list.push(place);
      else onIssue.set(issueId, [place]);
    }
  });
  const alternatives: AlternativeCrossing[] = [];
  let moreAlternatives = false;
  scan: for (const point of version.points) {
    for (const [bracketIndex, bracket] of point.brackets.entries()) {
      const where =
        point.brackets.length > 1
          ? ` of bracket ${bracketIndex + 1} in point ${point.number}`
          : ` of point ${point.number}`;
      for (const [index, alternative] of bracket.alternatives.entries()) {
        const named = alternative.choices ?? {};
        const namedIssues = Object.keys(named);
        if (namedIssues.length === 0) continue;
        const chosen: Chosen = (issueId) => own(named, issueId) ?? own(version.optionChoices, issueId);
        // A red line on none of the issues the alternative names keeps the settled text's verdict: not crossed.
        const candidates = new Set<number>();
        for (const issueId of namedIssues) for (const place of onIssue.get(issueId) ?? []) candidates.add(place);
        for (const place of [...candidates].sort((a, b) => a - b)) {
          const redLine = redLines[place]!;
          const reason = reasonFor(redLine.constraint, chosen, issueById);
          if (reason === null) continue;
          if (alternatives.length === MAX_REPORTED) {
            moreAlternatives = true;
            break scan;
          }
          alternatives.push({
            pointId: point.id,
            pointNumber: point.number,
            bracketId: bracket.id,
            alternative: String.fromCharCode(65 + index),
            redLineId: redLine.id,
            partyId: redLine.partyId,
            title: redLine.title,
            reason,
            where,
          });
        }
      }
    }
  }
  const partyById = byId(parties);
  const partyName = (id: Id) => partyById.get(id)?.shortName ?? id;
  const would = alternatives.map(
    (a) =>
      ` Choosing alternative ${a.alternative}${a.where} would cross ${partyName(a.partyId)}'s red line "${a.title}" (${a.reason}).`,
  );
  if (moreAlternatives)
    would.push(` More alternatives would cross a red line than the ${MAX_REPORTED.toLocaleString('en')} listed.`);
  const warnings = wordingWarnings(version, issues, labels);
  const warned = warnings.map((w) => ` Warning: ${w.message}.`);
  if (warnings.length === MAX_REPORTED)
    warned.push(
      ` The wording may disagree with the choices in more places than the ${MAX_REPORTED.toLocaleString('en')} listed.`,
    );
  return {
    crossings,
    alternatives,
    warnings,
    message: redLineMessage(crossings, parties) + would.join('') + warned.join(''),
  };
}

/** Which options of which issues a phrase names: every option whose label reads as those words. */
type Named = Map<Id, Id[]>;

/** The options' labels of a negotiation, compiled for the wording check (`optionLabels`). */
export type OptionLabels = PhraseMatcher<Named>;

/**
 * The options' labels of a negotiation as one phrase matcher: each label read as its words (see
 * `phraseWords`), labels that read alike sharing one phrase. Depends on the labels only, so a caller
 * may keep it for as long as the issues do not change.
 */
export function optionLabels(issues: readonly Issue[]): OptionLabels {
  const phrases = new Map<string, Named>();
  for (const issue of issues) {
    for (const option of issue.options) {
      const key = phraseWords(option.label).join(' ');
      if (key === '') continue;
      let named = phrases.get(key);
      if (!named) phrases.set(key, (named = new Map()));
      const options = named.get(issue.id);
      if (options) options.push(option.id);
      else named.set(issue.id, [option.id]);
    }
  }
  return new PhraseMatcher([...phrases].map(([key, named]) => [key, named] as const));
}

/**
 * Wording that names an option of an issue its point decides while the choices settle the issue on
 * another: a point's own text (brackets left out) against the version's choices, and each bracket
 * alternative against the choices it stands for. Wording that names the chosen option too is not
 * flagged: it may well weigh one against the other.
 *
 * Labels are found as whole words (case, accents' composition and punctuation aside), each text read
 * once by one automaton over every label: time linear in the text and the labels. Where a label lies
 * inside a longer label at the same place ("Donetsk" in "Donetsk and Luhansk"), the wording names the
 * longer one only. At most `MAX_REPORTED` warnings are listed.
 */
export function wordingWarnings(
  version: Pick<Version, 'points' | 'optionChoices'>,
  issues: Issue[],
  compiled?: OptionLabels,
): WordingWarning[] {
  const warnings: WordingWarning[] = [];
  const issueById = byId(issues);
  const issueOrder = new Map(issues.map((issue, index) => [issue.id, index]));
  const issuesOfPoint = new Map<Id, Set<Id>>();
  for (const issue of issues)
    for (const pointId of issue.pointIds) {
      const set = issuesOfPoint.get(pointId);
      if (set) set.add(issue.id);
      else issuesOfPoint.set(pointId, new Set([issue.id]));
    }
  let labels: OptionLabels | null = compiled ?? null;
  const label = (issue: Issue, id: Id) => issue.options.find((o) => o.id === id)?.label ?? id;
  for (const point of version.points) {
    const linked = new Set([...point.issueIds, ...(issuesOfPoint.get(point.id) ?? [])]);
    const check = (wording: string, choices: Record<Id, Id>, bracketId: Id | null, index: number | null) => {
      // Only issues the point decides and the choices settle, in the issues' order.
      const settled = [...linked]
        .filter((id) => issueById.has(id) && own(choices, id) !== undefined)
        .sort((a, b) => issueOrder.get(a)! - issueOrder.get(b)!);
      if (settled.length === 0) return;
      labels ??= optionLabels(issues);
      // Per issue, the options the wording names, in the order it names them.
      const named = new Map<Id, Id[]>();
      const seen = new Set<Named>();
      for (const match of labels.outermost(wording)) {
        for (const phrase of match.values) {
          if (seen.has(phrase)) continue;
          seen.add(phrase);
          const take = (issueId: Id, optionIds: Id[]) => {
            if (!linked.has(issueId) || own(choices, issueId) === undefined) return;
            const list = named.get(issueId);
            if (list) list.push(...optionIds);
            else named.set(issueId, [...optionIds]);
          };
          // Whichever is fewer: the issues this label belongs to, or the issues to check.
          if (phrase.size <= settled.length) for (const [issueId, optionIds] of phrase) take(issueId, optionIds);
          else
            for (const issueId of settled) {
              const optionIds = phrase.get(issueId);
              if (optionIds) take(issueId, optionIds);
            }
        }
      }
      for (const issueId of settled) {
        const options = named.get(issueId);
        const chosen = own(choices, issueId)!;
        if (!options || options.includes(chosen)) continue;
        if (warnings.length === MAX_REPORTED) return;
        const issue = issueById.get(issueId)!;
        const where =
          index === null
            ? `point ${point.number}`
            : `alternative ${String.fromCharCode(65 + index)} of bracket "${bracketId}" in point ${point.number}`;
        const whose = index === null ? 'the choices settle it on' : 'it stands for';
        warnings.push({
          pointId: point.id,
          pointNumber: point.number,
          issueId,
          namedOptionId: options[0]!,
          chosenOptionId: chosen,
          bracketId,
          alternative: index === null ? null : String.fromCharCode(65 + index),
          message: `${where} reads "${label(issue, options[0]!)}" on ${issue.name}, but ${whose} "${label(issue, chosen)}"`,
        });
      }
    };
    // A placeholder holds no bracket, so a run of "[" costs one pass (`[^\]]*` would rescan it from each).
    check(point.text.replace(/\[\[[^[\]]*\]\]/g, ' '), version.optionChoices, null, null);
    for (const bracket of point.brackets)
      bracket.alternatives.forEach((alternative, index) => {
        if (alternative.choices) check(alternative.text, alternative.choices, bracket.id, index);
      });
    if (warnings.length === MAX_REPORTED) break;
  }
  return warnings;
}

function redLineMessage(crossings: RedLineCrossing[], parties: Pick<Party, 'id' | 'shortName'>[]): string {
  if (crossings.length === 0) return 'This draft crosses no red line.';
  const items = crossings.map((crossing) => {
    const party = parties.find((p) => p.id === crossing.partyId)?.shortName ?? crossing.partyId;
    return `${party}: "${crossing.title}" (${crossing.reason})`;
  });
  const count = crossings.length === 1 ? '1 red line' : `${crossings.length} red lines`;
  return `This draft crosses ${count}: ${items.join('; ')}.`;
}
