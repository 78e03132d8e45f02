import { invalid, notFound } from '../core/errors.ts';
import type { Id, Party } from '../core/model.ts';
import { readEntities } from './collections.ts';
import { requireMediator } from './guards.ts';
import { hiddenPoints } from './issues.ts';
import type { NegotiationContext, Store } from './store.ts';

/** The parties and coalitions at the table; the convenor (a mediator) adds and edits them. */

type PartyTerms = Pick<Party, 'kind' | 'memberPartyIds' | 'pointIds'>;

function checkTerms(ctx: NegotiationContext, id: Id | undefined, terms: PartyTerms): void {
  if (terms.kind === 'party' && terms.memberPartyIds.length > 0)
    throw invalid('memberPartyIds', 'only a coalition has member parties');
  if (terms.kind === 'party' && terms.pointIds.length > 0)
    throw invalid('pointIds', 'only a coalition is scoped to some points; a party takes part in all');
  for (const member of terms.memberPartyIds) {
    if (member === id || !ctx.parties.some((p) => p.id === member && p.kind === 'party'))
      throw invalid(
        'memberPartyIds',
        `"${member}" is not a party of this negotiation (a coalition joins parties, not coalitions)`,
      );
  }
  if (terms.kind === 'coalition' && terms.memberPartyIds.length < 2)
    throw invalid('memberPartyIds', 'a coalition joins at least two parties');
  if (new Set(terms.pointIds).size !== terms.pointIds.length) throw invalid('pointIds', 'a point is named twice');
}

export async function addParty(
  store: Store,
  ctx: NegotiationContext,
  input: Omit<Party, 'negotiationId' | 'revision' | 'id' | 'pointIds'> & { id?: Id; pointIds?: Id[] },
): Promise<Party> {
  requireMediator(ctx, 'add parties');
  if (input.id !== undefined && ctx.parties.some((p) => p.id === input.id))
    throw invalid('id', `a party "${input.id}" exists already`);
  const terms = { kind: input.kind, memberPartyIds: input.memberPartyIds, pointIds: input.pointIds ?? [] };
  checkTerms(ctx, input.id, terms);
  const party: Party = {
    ...input,
    ...terms,
    id: input.id ?? store.id(),
    negotiationId: ctx.negotiation.id,
    revision: 1,
  };
  return store.insert(ctx, 'parties', 'party', party);
}

/** Renames a party, or changes a coalition's members or scope, at a revision. */
export async function updateParty(
  store: Store,
  ctx: NegotiationContext,
  id: Id,
  revision: number,
  patch: Partial<Pick<Party, 'name' | 'shortName' | 'memberPartyIds' | 'pointIds'>>,
): Promise<Party> {
  requireMediator(ctx, 'change parties');
  const current = (await readEntities(store, 'parties', ctx.negotiation.id, { id }))[0];
  if (!current) throw notFound(`party "${id}"`);
  const next = { ...current, ...patch };
  checkTerms(ctx, id, next);
  return store.replace(ctx, 'parties', 'party', current, revision, next);
}

/**
 * The parties and coalitions as a reader may see them: a coalition's scope names no point of a track
 * the reader is outside of.
 */
export async function listParties(store: Store, ctx: NegotiationContext): Promise<Party[]> {
  if (!ctx.parties.some((p) => p.pointIds.length > 0)) return ctx.parties;
  const hidden = await hiddenPoints(store, ctx);
  if (hidden.size === 0) return ctx.parties;
  return ctx.parties.map((party) => ({ ...party, pointIds: party.pointIds.filter((id) => !hidden.has(id)) }));
}
