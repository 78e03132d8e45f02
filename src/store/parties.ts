import { conflict, forbidden, invalid, notFound } from '../core/errors.ts';
import type { Id, Party } from '../core/model.ts';
import { canActAsMediator } from '../core/visibility.ts';
import { readEntities } from './collections.ts';
import { everyParty, requireWordsMayGo } from './gate.ts';
import { requireMediator } from './guards.ts';
import { hiddenPoints } from './issues.ts';
import { propose, type Proposal } from './proposals.ts';
import { partyNames } from './names.ts';
import { isHeadOf } from './seats.ts';
import type { NegotiationContext, Store } from './store.ts';

/**
 * The parties and coalitions at the table. The convenor (a mediator) adds parties and names them.
 * A coalition's members change only by consent: a party joins (or leaves) a coalition with its own
 * consent and that of each of the coalition's current member parties, each given by its principal or
 * lead; a new coalition needs the consent of each of its member parties. A coalition's own seats, if
 * it has any, do not consent for it: its member parties do, as they are the ones whose material it
 * shares. Until then the change is a proposal (`proposals.ts`); it takes effect at the last consent.
 */

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
  if (new Set(terms.memberPartyIds).size !== terms.memberPartyIds.length)
    throw invalid('memberPartyIds', 'a party is named twice');
  if (terms.kind === 'coalition' && terms.memberPartyIds.length < 2)
    throw invalid('memberPartyIds', 'a coalition joins at least two parties');
  if (new Set(terms.pointIds).size !== terms.pointIds.length) throw invalid('pointIds', 'a point is named twice');
}

/** Who may propose a change to a coalition's members: a mediator, or a principal or lead of a party it touches. */
function requireCoalitionProposer(ctx: NegotiationContext, partyIds: Id[]): void {
  if (canActAsMediator(ctx.scope)) return;
  if (partyIds.some((p) => isHeadOf(ctx.parties, ctx.memberships, ctx.user.id, p))) return;
  throw forbidden(
    `only a mediator, or the principal or lead of ${partyNames(ctx.parties, partyIds)}, may propose this coalition's members`,
  );
}

/** A party at the table, or a coalition (at once for the operator; otherwise when its member parties consent). */
export type PartyOutcome = { kind: 'party'; party: Party } | { kind: 'proposal'; proposal: Proposal };

export async function addParty(
  store: Store,
  ctx: NegotiationContext,
  input: Omit<Party, 'negotiationId' | 'revision' | 'id' | 'pointIds'> & { id?: Id; pointIds?: Id[] },
): Promise<PartyOutcome> {
  if (input.kind === 'coalition') requireCoalitionProposer(ctx, input.memberPartyIds);
  else requireMediator(ctx, 'add parties');
  if (input.id !== undefined && ctx.parties.some((p) => p.id === input.id))
    throw invalid('id', `a party "${input.id}" exists already`);
  const terms = { kind: input.kind, memberPartyIds: input.memberPartyIds, pointIds: input.pointIds ?? [] };
  checkTerms(ctx, input.id, terms);
  // Every party reads the parties' names (and a proposed coalition's).
  await requireWordsMayGo(store, ctx, "the party's name", [input.name, input.shortName], everyParty(ctx));
  const party: Party = {
    ...input,
    ...terms,
    id: input.id ?? store.id(),
    negotiationId: ctx.negotiation.id,
    revision: 1,
  };
  if (party.kind === 'party' || ctx.scope.isOperator)
    return { kind: 'party', party: await store.insert(ctx, 'parties', 'party', party) };
  const proposal = await store.change(ctx.user.id, async (trx, record) => {
    const reserved = await trx
      .selectFrom('proposals')
      .select('id')
      .where('negotiation_id', '=', ctx.negotiation.id)
      .where('kind', '=', 'coalition')
      .where('subject_id', '=', party.id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    if (reserved) throw invalid('id', `a coalition "${party.id}" is proposed already; choose another id`);
    return propose(
      store,
      ctx,
      trx,
      record,
      {
        kind: 'coalition',
        coalitionId: party.id,
        create: { name: party.name, shortName: party.shortName, pointIds: party.pointIds },
        previousMemberPartyIds: [],
        memberPartyIds: party.memberPartyIds,
      },
      party.memberPartyIds,
    );
  });
  if (proposal.state === 'accepted') {
    const made = (await readEntities(store, 'parties', ctx.negotiation.id, { id: party.id }))[0];
    if (made) return { kind: 'party', party: made };
  }
  return { kind: 'proposal', proposal };
}

/**
 * Renames a party, or changes a coalition's scope, at a revision (a mediator); or proposes a change
 * of a coalition's members, which takes effect when each party it touches consents.
 */
export async function updateParty(
  store: Store,
  ctx: NegotiationContext,
  id: Id,
  revision: number,
  patch: Partial<Pick<Party, 'name' | 'shortName' | 'memberPartyIds' | 'pointIds'>>,
): Promise<PartyOutcome> {
  const current = (await readEntities(store, 'parties', ctx.negotiation.id, { id }))[0];
  if (!current) {
    requireMediator(ctx, 'change parties');
    throw notFound(`party "${id}"`);
  }
  const { memberPartyIds, ...rest } = patch;
  const sameMembers =
    memberPartyIds === undefined ||
    [...memberPartyIds].sort().join('\n') === [...current.memberPartyIds].sort().join('\n');
  if (sameMembers || ctx.scope.isOperator) {
    if (!ctx.scope.isOperator) requireMediator(ctx, 'change parties');
    const next = { ...current, ...rest, ...(memberPartyIds ? { memberPartyIds } : {}) };
    checkTerms(ctx, id, next);
    await requireWordsMayGo(store, ctx, "the party's name", [next.name, next.shortName], everyParty(ctx));
    return { kind: 'party', party: await store.replace(ctx, 'parties', 'party', current, revision, next) };
  }
  const touched = [...new Set([...current.memberPartyIds, ...memberPartyIds])];
  requireCoalitionProposer(ctx, touched);
  if (Object.values(rest).some((v) => v !== undefined))
    throw invalid(
      'memberPartyIds',
      "change a coalition's members in a request of its own: the change waits for the parties' consent",
    );
  checkTerms(ctx, id, { ...current, memberPartyIds });
  if (current.revision !== revision) throw conflict(`party "${id}"`, revision, current);
  const proposal = await store.change(ctx.user.id, (trx, record) =>
    propose(
      store,
      ctx,
      trx,
      record,
      {
        kind: 'coalition',
        coalitionId: id,
        create: null,
        previousMemberPartyIds: current.memberPartyIds,
        memberPartyIds,
      },
      touched,
    ),
  );
  if (proposal.state === 'accepted') {
    const changed = (await readEntities(store, 'parties', ctx.negotiation.id, { id }))[0];
    if (changed) return { kind: 'party', party: changed };
  }
  return { kind: 'proposal', proposal };
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
