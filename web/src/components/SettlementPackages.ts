import type { Analysis, Issue, Party } from '../api/queries';

/** The bargaining solutions an analysis names, in the order they are shown and released. */
export const POINT_NAMES = ['nash', 'kalaiSmorodinsky', 'maxWelfare', 'egalitarian'] as const;
export type PointName = (typeof POINT_NAMES)[number];
export const POINT_LABELS: Record<PointName, string> = {
  nash: 'Nash',
  kalaiSmorodinsky: 'Kalai-Smorodinsky',
  maxWelfare: 'Maximum welfare',
  egalitarian: 'Egalitarian',
};
export const DRAFT_LABEL = 'Current draft';

export type Choices = Record<string, string>;
export type Utilities = Record<string, number>;

/** One package as the settlement view shows it: in the charts, the tables and the release form. */
export interface SettlementPackage {
  key: string;
  /** "Package 3" for the frontier's third, or the solution's or the draft's name when it is not on the frontier shown. */
  name: string;
  choices: Choices;
  utilities: Utilities;
  /** The special points it is: "Nash", "Current draft", … */
  marks: string[];
  /** Its index in the analysis' frontier, for a release; null when it is not on the frontier shown. */
  frontierIndex: number | null;
  /** The named solution it can be released as when it is not on the frontier shown. */
  point: PointName | null;
  isDraft: boolean;
}

/** The same package whatever the order of its issues. */
export function choicesKey(choices: Choices): string {
  return Object.keys(choices)
    .sort()
    .map((issue) => `${issue}=${choices[issue]}`)
    .join(';');
}

/**
 * The frontier's packages, each marked with the solutions and the draft it is, followed by the
 * solutions and the draft that are not among them (a truncated frontier, a draft off the frontier).
 */
export function packagesOf(result: Analysis['result']): SettlementPackage[] {
  const packages: SettlementPackage[] = result.frontier.map((p, index) => ({
    key: `f${index}`,
    name: `Package ${index + 1}`,
    choices: p.choices,
    utilities: p.utilities,
    marks: [],
    frontierIndex: index,
    point: null,
    isDraft: false,
  }));
  const byChoices = new Map(packages.map((p) => [choicesKey(p.choices), p]));
  for (const name of POINT_NAMES) {
    const point = result[name];
    if (!point) continue;
    const known = byChoices.get(choicesKey(point.choices));
    if (known) known.marks.push(POINT_LABELS[name]);
    else {
      const own: SettlementPackage = {
        key: name,
        name: POINT_LABELS[name],
        choices: point.choices,
        utilities: point.utilities,
        marks: [POINT_LABELS[name]],
        frontierIndex: null,
        point: name,
        isDraft: false,
      };
      packages.push(own);
      byChoices.set(choicesKey(point.choices), own);
    }
  }
  if (result.draft) {
    const known = byChoices.get(choicesKey(result.draft.choices));
    if (known) {
      known.marks.push(DRAFT_LABEL);
      known.isDraft = true;
    } else
      packages.push({
        key: 'draft',
        name: DRAFT_LABEL,
        choices: result.draft.choices,
        utilities: result.draft.utilities,
        marks: [DRAFT_LABEL],
        frontierIndex: null,
        point: null,
        isDraft: true,
      });
  }
  return packages;
}

/** The frontier package with these choices, if the frontier shown has it. */
export function frontierNameOf(packages: SettlementPackage[], choices: Choices): string | null {
  const key = choicesKey(choices);
  return packages.find((p) => p.frontierIndex !== null && choicesKey(p.choices) === key)?.name ?? null;
}

export function formatUtility(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(3);
}

/** A party's name as the reader may see it, or its id when the list does not have it. */
export function partyName(parties: Party[] | undefined, id: string, short = false): string {
  const party = parties?.find((p) => p.id === id);
  if (!party) return id;
  return short ? party.shortName || party.name : party.name;
}

/** Each issue of a package, in words: the issue's name and the chosen option's label. */
export function choicesInWords(issues: Issue[] | undefined, choices: Choices): { issue: string; option: string }[] {
  const ordered = issues ?? [];
  const known = new Set(ordered.map((i) => i.id));
  const rows = ordered
    .filter((issue) => choices[issue.id] !== undefined)
    .map((issue) => ({
      issue: issue.name,
      option: issue.options.find((o) => o.id === choices[issue.id])?.label ?? choices[issue.id]!,
    }));
  for (const [issue, option] of Object.entries(choices)) if (!known.has(issue)) rows.push({ issue, option });
  return rows;
}
