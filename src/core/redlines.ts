import type { Id, Issue, OptionCondition, Party, RedLine, RedLineConstraint, Version } from './model.ts';

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

function meets(choices: Record<Id, Id>, condition: OptionCondition): boolean {
  const chosen = own(choices, condition.issueId);
  return chosen !== undefined && condition.optionIds.includes(chosen);
}

function describeChoice(issues: Issue[], issueId: Id, choices: Record<Id, Id>): string {
  const issue = issues.find((i) => i.id === issueId);
  const option = issue?.options.find((o) => o.id === own(choices, issueId));
  return `settles ${issue?.name ?? issueId} on ${option?.label ?? own(choices, issueId)}`;
}

/** Whether a set of option choices crosses one red line, and the reason in words when it does. */
export function crossingReason(constraint: RedLineConstraint, choices: Record<Id, Id>, issues: Issue[]): string | null {
  switch (constraint.kind) {
    case 'forbid':
      return meets(choices, constraint) ? describeChoice(issues, constraint.issueId, choices) : null;
    case 'require': {
      const chosen = own(choices, constraint.issueId);
      if (chosen === undefined || constraint.optionIds.includes(chosen)) return null;
      return describeChoice(issues, constraint.issueId, choices);
    }
    case 'forbid_combination':
      if (!constraint.conditions.every((condition) => meets(choices, condition))) return null;
      return constraint.conditions.map((condition) => describeChoice(issues, condition.issueId, choices)).join(' and ');
  }
}

function issuesOf(constraint: RedLineConstraint): Id[] {
  return constraint.kind === 'forbid_combination' ? constraint.conditions.map((c) => c.issueId) : [constraint.issueId];
}

/**
 * Checks a draft against red lines: which it crosses, with the points that decide the issues involved.
 * Only the red lines passed in are checked, so a caller that passes the red lines one person may see
 * gets a report that reveals nothing else.
 */
export function checkRedLines(
  version: Pick<Version, 'points' | 'optionChoices'>,
  redLines: RedLine[],
  issues: Issue[],
  parties: Pick<Party, 'id' | 'shortName'>[],
): RedLineReport {
  const crossings: RedLineCrossing[] = [];
  for (const redLine of redLines) {
    const reason = crossingReason(redLine.constraint, version.optionChoices, issues);
    if (reason === null) continue;
    const involved = issuesOf(redLine.constraint);
    const pointIds = version.points
      .filter((point) => point.issueIds.some((id) => involved.includes(id)))
      .map((point) => point.id);
    crossings.push({ redLineId: redLine.id, partyId: redLine.partyId, title: redLine.title, reason, pointIds });
  }
  const alternatives: AlternativeCrossing[] = [];
  for (const point of version.points) {
    for (const [bracketIndex, bracket] of point.brackets.entries()) {
      const where =
        point.brackets.length > 1
          ? ` of bracket ${bracketIndex + 1} in point ${point.number}`
          : ` of point ${point.number}`;
      bracket.alternatives.forEach((alternative, index) => {
        const named = alternative.choices ?? {};
        if (Object.keys(named).length === 0) return;
        const choices = { ...version.optionChoices, ...named };
        for (const redLine of redLines) {
          if (crossings.some((c) => c.redLineId === redLine.id)) continue;
          const reason = crossingReason(redLine.constraint, choices, issues);
          if (reason === null) continue;
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
      });
    }
  }
  const partyName = (id: Id) => parties.find((p) => p.id === id)?.shortName ?? id;
  const would = alternatives.map(
    (a) =>
      ` Choosing alternative ${a.alternative}${a.where} would cross ${partyName(a.partyId)}'s red line "${a.title}" (${a.reason}).`,
  );
  const warnings = wordingWarnings(version, issues);
  const warned = warnings.map((w) => ` Warning: ${w.message}.`);
  return {
    crossings,
    alternatives,
    warnings,
    message: redLineMessage(crossings, parties) + would.join('') + warned.join(''),
  };
}

/** Words as compared: lower case, letters and digits only, so "600,000" matches "600 000". */
const words = (text: string) =>
  ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;

function namedOptions(wording: string, issue: Issue): Id[] {
  const said = words(wording);
  return issue.options.filter((o) => words(o.label).trim() !== '' && said.includes(words(o.label))).map((o) => o.id);
}

/**
 * Wording that names an option of an issue its point decides while the choices settle the issue on
 * another: a point's own text (brackets left out) against the version's choices, and each bracket
 * alternative against the choices it stands for. Wording that names the chosen option too is not
 * flagged: it may well weigh one against the other.
 */
export function wordingWarnings(version: Pick<Version, 'points' | 'optionChoices'>, issues: Issue[]): WordingWarning[] {
  const warnings: WordingWarning[] = [];
  const label = (issue: Issue, id: Id) => issue.options.find((o) => o.id === id)?.label ?? id;
  for (const point of version.points) {
    const linked = issues.filter((i) => point.issueIds.includes(i.id) || i.pointIds.includes(point.id));
    const check = (wording: string, choices: Record<Id, Id>, bracketId: Id | null, index: number | null) => {
      for (const issue of linked) {
        const chosen = own(choices, issue.id);
        if (chosen === undefined) continue;
        const named = namedOptions(wording, issue);
        if (named.length === 0 || named.includes(chosen)) continue;
        const where =
          index === null
            ? `point ${point.number}`
            : `alternative ${String.fromCharCode(65 + index)} of bracket "${bracketId}" in point ${point.number}`;
        const whose = index === null ? 'the choices settle it on' : 'it stands for';
        warnings.push({
          pointId: point.id,
          pointNumber: point.number,
          issueId: issue.id,
          namedOptionId: named[0]!,
          chosenOptionId: chosen,
          bracketId,
          alternative: index === null ? null : String.fromCharCode(65 + index),
          message: `${where} reads "${label(issue, named[0]!)}" on ${issue.name}, but ${whose} "${label(issue, chosen)}"`,
        });
      }
    };
    check(point.text.replace(/\[\[[^\]]*\]\]/g, ' '), version.optionChoices, null, null);
    for (const bracket of point.brackets)
      bracket.alternatives.forEach((alternative, index) => {
        if (alternative.choices) check(alternative.text, alternative.choices, bracket.id, index);
      });
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
