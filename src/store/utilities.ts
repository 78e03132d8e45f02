import type { Id, Issue, Preference } from '../core/model.ts';
import { utilityOf } from '../core/settlement.ts';
import { canActAsMediator, canSeeUtilitiesOf } from '../core/visibility.ts';
import { listIssues } from './issues.ts';
import { listPreferences } from './preferences.ts';
import type { NegotiationContext, Store } from './store.ts';
import { listVersions } from './texts.ts';

/**
 * What each version the reader sees is worth to a party, from that party's preferences, computed on
 * the fly and stored nowhere: a party's members read their own party's, a mediator those of the
 * parties that shared their preferences with the mediators (`canSeeUtilitiesOf`).
 */

export interface VersionUtility {
  partyId: Id;
  /** The utility of the version's package, when its option choices settle every issue; null otherwise. */
  utility: number | null;
  /** With the issues it leaves open settled the party's worst way, and its best way. */
  lowest: number | null;
  highest: number | null;
}

export interface Utilities {
  basis: 'own' | 'shared';
  parties: { partyId: Id; reservation: number; illustrative: boolean }[];
  versions: { versionId: Id; openIssueIds: Id[]; utilities: VersionUtility[] }[];
}

/** One party's utility of a set of choices, with each open issue settled on the option it scores `pick`. */
function bound(
  preference: Preference,
  utility: (choices: Record<Id, Id>) => number | null,
  choices: Record<Id, Id>,
  open: Issue[],
  pick: 'min' | 'max',
) {
  const settled = { ...choices };
  for (const issue of open) {
    const table = Object.hasOwn(preference.scores, issue.id) ? preference.scores[issue.id]! : {};
    const score = (optionId: Id) => (Object.hasOwn(table, optionId) ? table[optionId]! : 0);
    const sorted = [...issue.options].sort((a, b) => score(a.id) - score(b.id));
    settled[issue.id] = (pick === 'min' ? sorted[0] : sorted[sorted.length - 1])!.id;
  }
  return utility(settled);
}

/** The utility of each standing version the reader sees, per party whose utilities the reader may read. */
export async function versionUtilities(store: Store, ctx: NegotiationContext): Promise<Utilities> {
  const preferences = (await listPreferences(store, ctx))
    .filter((preference) => canSeeUtilitiesOf(ctx.scope, preference))
    .sort((a, b) => a.partyId.localeCompare(b.partyId));
  const versions = (await listVersions(store, ctx)).filter((v) => !v.withdrawnAt);
  const issues = (await listIssues(store, ctx)).filter((issue) => issue.options.length > 0);
  // Each party's preferences read into exact form once, for every version.
  const utilities = new Map(preferences.map((p) => [p, utilityOf(p, issues)]));
  const optionIds = new Map(issues.map((issue) => [issue.id, new Set(issue.options.map((o) => o.id))]));
  return {
    basis: canActAsMediator(ctx.scope) ? 'shared' : 'own',
    parties: preferences.map((p) => ({ partyId: p.partyId, reservation: p.reservation, illustrative: p.illustrative })),
    versions: versions.map((version) => {
      const choices: Record<Id, Id> = {};
      const open: Issue[] = [];
      for (const issue of issues) {
        const chosen = Object.hasOwn(version.optionChoices, issue.id) ? version.optionChoices[issue.id] : undefined;
        if (chosen !== undefined && optionIds.get(issue.id)!.has(chosen)) choices[issue.id] = chosen;
        else open.push(issue);
      }
      return {
        versionId: version.id,
        openIssueIds: open.map((issue) => issue.id),
        utilities: preferences.map((preference) => ({
          partyId: preference.partyId,
          utility: open.length === 0 ? utilities.get(preference)!(choices) : null,
          lowest: bound(preference, utilities.get(preference)!, choices, open, 'min'),
          highest: bound(preference, utilities.get(preference)!, choices, open, 'max'),
        })),
      };
    }),
  };
}
