import { invalid } from '../core/errors.ts';
import type { Id, Party } from '../core/model.ts';
import { requireMediator } from './guards.ts';
import type { NegotiationContext, Store } from './store.ts';

/** The parties and coalitions at the table. Each command checks the policy, writes the change and its audit event in one transaction. */

export async function addParty(
  store: Store,
  ctx: NegotiationContext,
  input: Omit<Party, 'negotiationId' | 'revision' | 'id'> & { id?: Id },
): Promise<Party> {
  requireMediator(ctx, 'add parties');
  if (ctx.parties.some((p) => p.id === input.id)) throw invalid('id', `a party "${input.id}" exists already`);
  for (const member of input.memberPartyIds) {
    if (!ctx.parties.some((p) => p.id === member && p.kind === 'party'))
      throw invalid('memberPartyIds', `"${member}" is not a party of this negotiation`);
  }
  if (input.kind === 'party' && input.memberPartyIds.length > 0)
    throw invalid('memberPartyIds', 'only a coalition has member parties');
  const party: Party = { ...input, id: input.id ?? store.id(), negotiationId: ctx.negotiation.id, revision: 1 };
  return store.insert(ctx, 'parties', 'party', party);
}
