import type { Transaction } from 'kysely';
import { DomainError, forbidden, invalid, notFound } from '../core/errors.ts';
import type { Id, Membership, Party, Role } from '../core/model.ts';
import { canActAsMediator, canActForParty } from '../core/visibility.ts';
import { insertEntity, listEntities, replaceEntity } from './collections.ts';
import { coalitionJoinRefusal } from './gate.ts';
import { partyName, partyNames } from './names.ts';
import type { Database } from './schema.ts';
import {
  checkMediatorLeft,
  checkSeat,
  currentMembership,
  delegationHeads,
  isHeadOf,
  readMemberships,
} from './seats.ts';
import type { Executor, NegotiationContext, Recorder, Store } from './store.ts';

/**
 * Seats by consent. A party's delegation is the party's: once it has a principal or a lead, a seat
 * in it is given, changed or taken away only with them, and a party joins a coalition only with its
 * own consent and that of the coalition's member parties. What a mediator (or anyone but those
 * principals and leads) asks for is a proposal, which waits here for the consent of each party it
 * touches and takes effect, in the same transaction, at the last one.
 *
 * Before a party has a principal or a lead, the convenor (any mediator) consents for it, so that a
 * negotiation can be convened; such a consent stops counting as soon as the party has one.
 *
 * The seats themselves, and who heads a delegation, are read in `seats.ts`.
 */

export type ProposalKind = 'invitation' | 'seat_change' | 'seat_removal' | 'coalition';
export type ProposalState = 'open' | 'accepted' | 'declined';

export type ProposalTerms =
  | { kind: 'invitation'; invitationId: Id; email: string; partyId: Id; role: Role; title: string }
  | { kind: 'seat_change'; membershipId: Id; userId: Id; partyId: Id; role: Role; title: string }
  | { kind: 'seat_removal'; membershipId: Id; userId: Id; partyId: Id }
  | {
      kind: 'coalition';
      coalitionId: Id;
      /** For a coalition not yet at the table: its name and scope, created at the last consent. */
      create: { name: string; shortName: string; pointIds: Id[] } | null;
      previousMemberPartyIds: Id[];
      memberPartyIds: Id[];
    };

export interface Consent {
  partyId: Id;
  userId: Id;
  at: string;
  /** `head`: the party's principal or lead; `convenor`: a mediator, while the party had neither. */
  as: 'head' | 'convenor';
}

export interface Proposal {
  id: Id;
  negotiationId: Id;
  terms: ProposalTerms;
  /** The parties whose consent the proposal needs, each through its principal or lead. */
  partyIds: Id[];
  consents: Consent[];
  /** The parties still awaited (computed when read). */
  awaitingPartyIds: Id[];
  proposedBy: Id;
  createdAt: string;
  state: ProposalState;
  closedBy: Id | null;
  closedAt: string | null;
}

type Stored = Omit<Proposal, 'awaitingPartyIds'>;

/** The parties a proposal still awaits: a convenor's consent counts only while the party has no principal or lead. */
function awaiting(proposal: Stored, parties: Party[], memberships: Membership[]): Id[] {
  return proposal.partyIds.filter(
    (partyId) =>
      !proposal.consents.some(
        (c) =>
          c.partyId === partyId &&
          (c.as === 'head'
            ? isHeadOf(parties, memberships, c.userId, partyId)
            : delegationHeads(parties, memberships, partyId).length === 0),
      ),
  );
}

/** The consents a person gives by proposing or accepting: for each awaited party they head, or convene while it has no head. */
function consentsOf(ctx: NegotiationContext, memberships: Membership[], partyIds: Id[], at: string): Consent[] {
  const consents: Consent[] = [];
  for (const partyId of partyIds) {
    if (isHeadOf(ctx.parties, memberships, ctx.user.id, partyId))
      consents.push({ partyId, userId: ctx.user.id, at, as: 'head' });
    else if (
      (canActAsMediator(ctx.scope) || ctx.scope.isOperator) &&
      delegationHeads(ctx.parties, memberships, partyId).length === 0
    )
      consents.push({ partyId, userId: ctx.user.id, at, as: 'convenor' });
  }
  return consents;
}

function withAwaiting(stored: Stored, ctx: NegotiationContext): Proposal {
  return {
    ...stored,
    awaitingPartyIds: stored.state === 'open' ? awaiting(stored, ctx.parties, ctx.memberships) : [],
  };
}

/**
 * Proposes a change to seats or a coalition, with the consent of the parties its proposer heads (or
 * convenes while they have no head). When that is every consent it needs, the change takes effect at
 * once and the proposal is recorded as accepted.
 */
export async function propose(
  store: Store,
  ctx: NegotiationContext,
  trx: Transaction<Database>,
  record: Recorder,
  terms: ProposalTerms,
  partyIds: Id[],
): Promise<Proposal> {
  const memberships = await readMemberships(trx, ctx.negotiation.id);
  const needed = [...new Set(partyIds)].sort();
  const stored = await insertProposal(store, trx, record, {
    negotiationId: ctx.negotiation.id,
    proposedBy: ctx.user.id,
    terms,
    partyIds: needed,
    consents: consentsOf(ctx, memberships, needed, store.nowIso()),
  });
  return settle(store, ctx, trx, record, stored, memberships);
}

/** Writes a new open proposal and its audit event. */
export async function insertProposal(
  store: Store,
  trx: Transaction<Database>,
  record: Recorder,
  input: Pick<Stored, 'negotiationId' | 'proposedBy' | 'terms' | 'partyIds' | 'consents'>,
): Promise<Stored> {
  const at = store.nowIso();
  const stored: Stored = { id: store.id(), ...input, createdAt: at, state: 'open', closedBy: null, closedAt: null };
  await trx
    .insertInto('proposals')
    .values({
      id: stored.id,
      negotiation_id: stored.negotiationId,
      kind: stored.terms.kind,
      subject_id: subjectOf(stored.terms),
      state: stored.state,
      data: JSON.stringify(stored),
      created_at: at,
    })
    .execute();
  await record({
    action: 'proposal.create',
    entityId: stored.id,
    negotiationId: stored.negotiationId,
    before: null,
    after: stored,
  });
  return stored;
}

function subjectOf(terms: ProposalTerms): Id {
  switch (terms.kind) {
    case 'invitation':
      return terms.invitationId;
    case 'seat_change':
    case 'seat_removal':
      return terms.membershipId;
    case 'coalition':
      return terms.coalitionId;
  }
}

/** Applies the proposal when nothing is awaited any more, and records it accepted. */
async function settle(
  store: Store,
  ctx: NegotiationContext,
  trx: Transaction<Database>,
  record: Recorder,
  stored: Stored,
  memberships: Membership[],
): Promise<Proposal> {
  const parties = await readParties(trx, ctx);
  const left = awaiting(stored, parties, memberships);
  if (left.length > 0) return { ...stored, awaitingPartyIds: left };
  switch (stored.terms.kind) {
    case 'invitation':
      await applyInvitationConsent(trx, record, ctx, stored.terms, stored.consents);
      break;
    case 'seat_change':
      await applySeatChange(trx, record, ctx, stored.terms.membershipId, {
        role: stored.terms.role,
        title: stored.terms.title,
      });
      break;
    case 'seat_removal':
      await applySeatRemoval(trx, record, ctx, stored.terms.membershipId, store.nowIso(), stored.id);
      break;
    case 'coalition':
      await applyCoalitionMembers(store, ctx, trx, record, stored.terms);
      break;
  }
  const after: Stored = { ...stored, state: 'accepted', closedBy: ctx.user.id, closedAt: store.nowIso() };
  await writeState(trx, record, stored, after, 'proposal.accept');
  return { ...after, awaitingPartyIds: [] };
}

async function readParties(db: Executor, ctx: NegotiationContext): Promise<Party[]> {
  const rows = await db
    .selectFrom('parties')
    .select(['data', 'revision'])
    .where('negotiation_id', '=', ctx.negotiation.id)
    .execute();
  return rows.map((r) => ({ ...(JSON.parse(r.data) as Party), revision: r.revision }));
}

async function writeState(
  trx: Transaction<Database>,
  record: Recorder,
  before: Stored,
  after: Stored,
  action: 'proposal.accept' | 'proposal.decline',
): Promise<void> {
  const updated = await trx
    .updateTable('proposals')
    .set({ state: after.state, data: JSON.stringify(after) })
    .where('id', '=', before.id)
    .where('state', '=', 'open')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1)
    throw new DomainError('conflict', 'this proposal was decided a moment ago; read it again');
  await record({
    action,
    entityId: before.id,
    negotiationId: before.negotiationId,
    before,
    after,
  });
}

/** Whether the reader is concerned by a proposal: a mediator, or a member of one of the parties it touches. */
function concerns(ctx: NegotiationContext, stored: Stored): boolean {
  return canActAsMediator(ctx.scope) || stored.partyIds.some((p) => canActForParty(ctx.scope, p));
}

/** The proposals a reader is concerned by, open ones first, then the newest. */
export async function listProposals(
  store: Store,
  ctx: NegotiationContext,
  options: { state?: ProposalState } = {},
): Promise<Proposal[]> {
  let query = store.db
    .selectFrom('proposals')
    .select('data')
    .where('negotiation_id', '=', ctx.negotiation.id)
    .orderBy('created_at', 'desc')
    .orderBy('id');
  if (options.state) query = query.where('state', '=', options.state);
  const rows = await query.execute();
  return rows
    .map((r) => JSON.parse(r.data) as Stored)
    .filter((p) => concerns(ctx, p))
    .map((p) => withAwaiting(p, ctx));
}

/**
 * Closes the open proposals about one subject (a revoked invitation, a removed seat), but the one
 * being settled, when a proposal's own acceptance removes its subject.
 */
export async function closeProposalsAbout(
  trx: Transaction<Database>,
  record: Recorder,
  ctx: NegotiationContext,
  subjectId: Id,
  at: string,
  settling: Id | null = null,
): Promise<void> {
  let query = trx
    .selectFrom('proposals')
    .select('data')
    .where('negotiation_id', '=', ctx.negotiation.id)
    .where('subject_id', '=', subjectId)
    .where('state', '=', 'open');
  if (settling !== null) query = query.where('id', '<>', settling);
  const rows = await query.execute();
  for (const row of rows) {
    const before = JSON.parse(row.data) as Stored;
    await writeState(
      trx,
      record,
      before,
      { ...before, state: 'declined', closedBy: ctx.user.id, closedAt: at },
      'proposal.decline',
    );
  }
}

/**
 * A decision on a proposal. `accept`: the reader consents for each awaited party they head (or,
 * as a mediator, convene while it has no head); at the last consent the change takes effect.
 * `decline`: a principal or lead of a party it touches refuses it, or its proposer withdraws it.
 */
export async function decideProposal(
  store: Store,
  ctx: NegotiationContext,
  proposalId: Id,
  decision: 'accept' | 'decline',
): Promise<Proposal> {
  return store.change(ctx.user.id, async (trx, record) => {
    const row = await trx
      .selectFrom('proposals')
      .select('data')
      .where('id', '=', proposalId)
      .where('negotiation_id', '=', ctx.negotiation.id)
      .executeTakeFirst();
    const stored = row ? (JSON.parse(row.data) as Stored) : null;
    if (!stored || !concerns(ctx, stored)) throw notFound(`proposal "${proposalId}"`);
    if (stored.state !== 'open')
      throw invalid('proposalId', `this proposal was ${stored.state} on ${stored.closedAt}; propose again if needed`);
    const memberships = await readMemberships(trx, ctx.negotiation.id);
    const parties = await readParties(trx, ctx);
    const left = awaiting(stored, parties, memberships);
    const names = partyNames(parties, left.length ? left : stored.partyIds);
    if (decision === 'decline') {
      const mayDecline =
        stored.proposedBy === ctx.user.id ||
        stored.partyIds.some((p) => isHeadOf(parties, memberships, ctx.user.id, p));
      if (!mayDecline)
        throw forbidden(`only the principal or lead of ${names}, or whoever proposed it, may decline this proposal`);
      const after: Stored = { ...stored, state: 'declined', closedBy: ctx.user.id, closedAt: store.nowIso() };
      await writeState(trx, record, stored, after, 'proposal.decline');
      // A seat the party refused is not offered any more: its invitation's link stops working.
      if (stored.terms.kind === 'invitation')
        await revokeDeclinedInvitation(trx, record, ctx, stored.terms.invitationId, after.closedAt!);
      return { ...after, awaitingPartyIds: [] };
    }
    const given = consentsOf({ ...ctx, parties }, memberships, left, store.nowIso());
    if (given.length === 0)
      throw forbidden(
        `this proposal awaits the consent of ${names}: only ${left.length === 1 ? 'its' : 'their'} principal or lead gives it`,
      );
    const after: Stored = { ...stored, consents: [...stored.consents, ...given] };
    await trx
      .updateTable('proposals')
      .set({ data: JSON.stringify(after) })
      .where('id', '=', stored.id)
      .execute();
    await record({
      action: 'proposal.consent',
      entityId: stored.id,
      negotiationId: stored.negotiationId,
      before: stored,
      after,
    });
    return settle(store, ctx, trx, record, after, memberships);
  });
}

// The changes a proposal makes at its last consent. They live here, under the commands that propose
// them (`members.ts`, `invitations.ts`, `parties.ts`), so that no command module imports another in a
// circle; a principal or lead who changes a seat directly calls the same writer.

/** Writes a change of role or title (or, for the operator, of party) and its audit event. */
export async function applySeatChange(
  trx: Transaction<Database>,
  record: Recorder,
  ctx: NegotiationContext,
  memberId: Id,
  patch: { partyId?: Id | null; role?: Role; title?: string },
): Promise<Membership> {
  const { before, memberships } = await currentMembership(trx, ctx, memberId);
  const after: Membership = { ...before, ...patch };
  checkSeat(ctx, after);
  checkMediatorLeft(memberships, before, after);
  await trx
    .updateTable('memberships')
    .set({ party_id: after.partyId, role: after.role, title: after.title })
    .where('id', '=', memberId)
    .execute();
  await record({
    action: 'membership.update',
    entityId: memberId,
    negotiationId: ctx.negotiation.id,
    before,
    after,
  });
  return after;
}

/** Removes a seat and its audit event; open proposals about it close. */
export async function applySeatRemoval(
  trx: Transaction<Database>,
  record: Recorder,
  ctx: NegotiationContext,
  memberId: Id,
  at: string,
  settling: Id | null = null,
): Promise<void> {
  const { before, memberships } = await currentMembership(trx, ctx, memberId);
  checkMediatorLeft(memberships, before, null);
  await trx.deleteFrom('memberships').where('id', '=', memberId).execute();
  await record({
    action: 'membership.remove',
    entityId: memberId,
    negotiationId: ctx.negotiation.id,
    before,
    after: null,
  });
  await closeProposalsAbout(trx, record, ctx, memberId, at, settling);
}

/** Revokes the invitation of a seat its party declined. */
export async function revokeDeclinedInvitation(
  trx: Transaction<Database>,
  record: Recorder,
  ctx: NegotiationContext,
  invitationId: Id,
  at: string,
): Promise<void> {
  const updated = await trx
    .updateTable('invitations')
    .set({ revoked_at: at })
    .where('id', '=', invitationId)
    .where('negotiation_id', '=', ctx.negotiation.id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 1)
    await record({
      action: 'invitation.revoke',
      entityId: invitationId,
      negotiationId: ctx.negotiation.id,
      before: null,
      after: { revokedAt: at, reason: 'the party declined the seat' },
    });
}

/** Records the party's consent on an invitation, at the last consent of its proposal. */
export async function applyInvitationConsent(
  trx: Transaction<Database>,
  record: Recorder,
  ctx: NegotiationContext,
  terms: Extract<ProposalTerms, { kind: 'invitation' }>,
  consents: Consent[],
): Promise<void> {
  const head = consents.filter((c) => c.as === 'head').at(-1);
  // A convenor's consent (the party had no principal or lead) leaves the invitation as the convenor made it.
  if (!head) return;
  const updated = await trx
    .updateTable('invitations')
    .set({ party_consent_by: head.userId })
    .where('id', '=', terms.invitationId)
    .where('negotiation_id', '=', ctx.negotiation.id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1)
    throw invalid(
      'proposalId',
      `the invitation of ${terms.email} was revoked or accepted meanwhile; decline this proposal`,
    );
  await record({
    action: 'invitation.consent',
    entityId: terms.invitationId,
    negotiationId: ctx.negotiation.id,
    before: null,
    after: { partyConsentBy: head.userId },
  });
}

/**
 * Makes a coalition, or changes its members, at the last consent of its proposal. A party joining
 * a coalition receives through it nothing the transmission rules hold back from it: the gate is
 * asked first, and its refusal stands.
 */
export async function applyCoalitionMembers(
  store: Store,
  ctx: NegotiationContext,
  trx: Transaction<Database>,
  record: Recorder,
  terms: Extract<ProposalTerms, { kind: 'coalition' }>,
): Promise<void> {
  const parties = await listEntities(trx, 'parties', ctx.negotiation.id);
  for (const member of terms.memberPartyIds)
    if (!parties.some((p) => p.id === member && p.kind === 'party'))
      throw invalid('memberPartyIds', 'a party of this proposal is no longer at the table; decline it');
  const current = parties.find((p) => p.id === terms.coalitionId);
  if (terms.create) {
    if (current) throw invalid('id', `a party "${terms.coalitionId}" exists already; decline this proposal`);
    const party: Party = {
      id: terms.coalitionId,
      negotiationId: ctx.negotiation.id,
      name: terms.create.name,
      shortName: terms.create.shortName,
      kind: 'coalition',
      memberPartyIds: terms.memberPartyIds,
      pointIds: terms.create.pointIds,
      revision: 1,
    };
    await insertEntity(trx, 'parties', party);
    await record({
      action: 'party.create',
      entityId: party.id,
      negotiationId: party.negotiationId,
      before: null,
      after: party,
    });
    return;
  }
  if (!current || current.kind !== 'coalition') throw new DomainError('not_found', 'this coalition is gone');
  if ([...current.memberPartyIds].sort().join('\n') !== [...terms.previousMemberPartyIds].sort().join('\n'))
    throw new DomainError(
      'conflict',
      `the members of ${partyName(parties, current.id)} changed since this was proposed; decline it and propose again`,
    );
  const joining = terms.memberPartyIds.filter((p) => !current.memberPartyIds.includes(p));
  if (joining.length > 0) {
    const refusal = await coalitionJoinRefusal(store, ctx, trx, current.id, joining);
    if (refusal !== null) throw forbidden(refusal);
  }
  const after: Party = { ...current, memberPartyIds: terms.memberPartyIds, revision: current.revision + 1 };
  if (!(await replaceEntity(trx, 'parties', after, current.revision)))
    throw new DomainError('conflict', `${partyName(parties, current.id)} changed a moment ago; try again`);
  await record({
    action: 'party.update',
    entityId: current.id,
    negotiationId: ctx.negotiation.id,
    before: current,
    after,
  });
}
