import { conflict, invalid, notFound } from '../core/errors.ts';
import type { Id, Preference } from '../core/model.ts';
import { ownedVisibilityRule } from '../core/visibility.ts';
import { readEntities } from './collections.ts';
import { requireParty, requireSender } from './guards.ts';
import { listIssues } from './issues.ts';
import type { NegotiationContext, Store } from './store.ts';
import { coalitionMembers, requireWordsMayGo } from './gate.ts';

/** Parties' private preferences over the options. Each command checks the policy, writes the change and its audit event in one transaction. */

export async function listPreferences(store: Store, ctx: NegotiationContext): Promise<Preference[]> {
  return readEntities(store, 'preferences', ctx.negotiation.id, { owned: ownedVisibilityRule(ctx.scope) });
}

/** Sets a party's preferences (creating them, or replacing them at `revision`). */
export async function putPreference(
  store: Store,
  ctx: NegotiationContext,
  partyId: Id,
  revision: number | null,
  input: Omit<Preference, 'id' | 'negotiationId' | 'revision' | 'partyId'>,
): Promise<Preference> {
  requireParty(ctx, partyId, 'set preferences for');
  requireSender(ctx, partyId, input.visibility, 'preferences');
  const issues = await listIssues(store, ctx);
  for (const [issueId, weight] of Object.entries(input.weights)) {
    const issue = issues.find((i) => i.id === issueId);
    if (!issue) throw invalid(`weights.${issueId}`, `unknown issue "${issueId}"`);
    if (!(weight >= 0)) throw invalid(`weights.${issueId}`, 'weights are zero or more');
    for (const option of issue.options) {
      const table = Object.hasOwn(input.scores, issueId) ? input.scores[issueId] : undefined;
      const score = table && Object.hasOwn(table, option.id) ? table[option.id] : undefined;
      if (score === undefined || score < 0 || score > 1)
        throw invalid(
          `scores.${issueId}.${option.id}`,
          `give option "${option.label}" of "${issue.name}" a score between 0 and 1`,
        );
    }
  }
  for (const [issueId, table] of Object.entries(input.scores)) {
    const issue = issues.find((i) => i.id === issueId);
    if (!issue)
      throw invalid(`scores.${issueId}`, `unknown issue "${issueId}"; score the options of the negotiation's issues`);
    for (const optionId of Object.keys(table))
      if (!issue.options.some((o) => o.id === optionId))
        throw invalid(`scores.${issueId}.${optionId}`, `issue "${issue.name}" has no option "${optionId}"`);
  }
  const total = Object.values(input.weights).reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-6) throw invalid('weights', `the weights add up to ${total}; they must add up to 1`);
  if (input.reservation < 0 || input.reservation > 1)
    throw invalid('reservation', 'the reservation value is a utility between 0 and 1');
  // A coalition's preferences are read by each of its member parties' delegations: the note passes the gate for them.
  await requireWordsMayGo(store, ctx, "the preferences' note", [input.note], coalitionMembers(ctx, partyId));
  const current = (await readEntities(store, 'preferences', ctx.negotiation.id, { partyId }))[0];
  if (!current) {
    if (revision !== null && revision !== 0) throw notFound(`preferences of "${partyId}"`);
    return store.insert(ctx, 'preferences', 'preference', {
      ...input,
      id: store.id(),
      partyId,
      negotiationId: ctx.negotiation.id,
      revision: 1,
    });
  }
  if (revision === null) throw conflict(`the preferences of "${partyId}"`, 0, current);
  return store.replace(ctx, 'preferences', 'preference', current, revision, { ...current, ...input });
}
