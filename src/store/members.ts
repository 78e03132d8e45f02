import type { Transaction } from 'kysely';
import { DomainError, invalid, notFound } from '../core/errors.ts';
import type { Id, Membership, Role } from '../core/model.ts';
import { requireMediator } from './guards.ts';
import { createInvitation, type Invitation } from './invitations.ts';
import type { Database } from './schema.ts';
import type { NegotiationContext, Recorder, Store } from './store.ts';

/**
 * The people at the table and their roles. The convenor (any mediator of the negotiation) seats
 * people, changes their seats and removes them; access follows at once, since every request loads
 * the reader's memberships anew.
 */

export type Member = Membership & { name: string; email: string };

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The rules of one seat: a mediator belongs to no party, every other role to a party of the table. */
export function checkSeat(ctx: NegotiationContext, seat: { partyId: Id | null; role: Role }): void {
  if ((seat.role === 'mediator') !== (seat.partyId === null))
    throw invalid('partyId', 'a mediator belongs to no party (partyId null); every other role needs a party');
  if (seat.partyId !== null && !ctx.parties.some((p) => p.id === seat.partyId))
    throw invalid('partyId', `"${seat.partyId}" is not a party of this negotiation`);
}

export async function insertMembership(
  trx: Transaction<Database>,
  record: Recorder,
  membership: Membership,
): Promise<void> {
  await trx
    .insertInto('memberships')
    .values({
      id: membership.id,
      negotiation_id: membership.negotiationId,
      user_id: membership.userId,
      party_id: membership.partyId,
      role: membership.role,
      title: membership.title,
    })
    .execute();
  await record({
    action: 'membership.create',
    entity: 'membership',
    entityId: membership.id,
    negotiationId: membership.negotiationId,
    before: null,
    after: membership,
  });
}

/**
 * Seats a person, named by e-mail (or by account id). An e-mail with an account is seated at once;
 * one without gets an invitation whose one-time token is returned to the inviter.
 */
export async function addMember(
  store: Store,
  ctx: NegotiationContext,
  input: { userId?: Id; email?: string; partyId: Id | null; role: Role; title: string },
): Promise<
  { kind: 'membership'; membership: Membership } | { kind: 'invitation'; invitation: Invitation; token: string }
> {
  requireMediator(ctx, 'add people to the negotiation');
  checkSeat(ctx, input);
  let userId = input.userId;
  if (userId === undefined) {
    const email = (input.email ?? '').trim().toLowerCase();
    if (!EMAIL.test(email)) throw invalid('email', `"${input.email ?? ''}" is not an e-mail address`);
    const user = await store.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (!user) return { kind: 'invitation', ...(await createInvitation(store, ctx, { ...input, email })) };
    userId = user.id;
  } else {
    const user = await store.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    if (!user) throw invalid('userId', `no account has the id "${userId}"; invite the person by e-mail instead`);
  }
  if (ctx.memberships.some((m) => m.userId === userId && m.partyId === input.partyId))
    throw invalid(
      input.email !== undefined ? 'email' : 'userId',
      'this person already has a seat there; change it instead',
    );
  const membership: Membership = {
    id: store.id(),
    negotiationId: ctx.negotiation.id,
    userId,
    partyId: input.partyId,
    role: input.role,
    title: input.title,
  };
  await store.change(ctx.user.id, (trx, record) => insertMembership(trx, record, membership));
  return { kind: 'membership', membership };
}

/** A negotiation keeps a mediator: someone must be able to seat people and record the rounds. */
function checkMediatorLeft(ctx: NegotiationContext, without: Membership, next: Membership | null): void {
  const mediators = ctx.memberships.filter((m) => m.role === 'mediator' && m.id !== without.id);
  if (mediators.length === 0 && next?.role !== 'mediator')
    throw invalid('role', 'this is the last mediator of the negotiation; seat another mediator first');
}

function membershipOf(ctx: NegotiationContext, memberId: Id): Membership {
  const membership = ctx.memberships.find((m) => m.id === memberId);
  if (!membership) throw notFound(`member "${memberId}"`);
  return membership;
}

/** Changes a seat: the role, the party or the title. */
export async function updateMember(
  store: Store,
  ctx: NegotiationContext,
  memberId: Id,
  patch: { partyId?: Id | null; role?: Role; title?: string },
): Promise<Membership> {
  requireMediator(ctx, 'change seats at the table');
  const before = membershipOf(ctx, memberId);
  const after: Membership = { ...before, ...patch };
  checkSeat(ctx, after);
  if (ctx.memberships.some((m) => m.id !== memberId && m.userId === after.userId && m.partyId === after.partyId))
    throw invalid('partyId', 'this person already has a seat there');
  checkMediatorLeft(ctx, before, after);
  return store.change(ctx.user.id, async (trx, record) => {
    await trx
      .updateTable('memberships')
      .set({ party_id: after.partyId, role: after.role, title: after.title })
      .where('id', '=', memberId)
      .execute();
    await record({
      action: 'membership.update',
      entity: 'membership',
      entityId: memberId,
      negotiationId: ctx.negotiation.id,
      before,
      after,
    });
    return after;
  });
}

/** Removes a seat. The person's tokens stay valid for Parley, but no longer open this negotiation. */
export async function removeMember(store: Store, ctx: NegotiationContext, memberId: Id): Promise<void> {
  requireMediator(ctx, 'remove people from the negotiation');
  const before = membershipOf(ctx, memberId);
  checkMediatorLeft(ctx, before, null);
  await store.change(ctx.user.id, async (trx, record) => {
    const removed = await trx.deleteFrom('memberships').where('id', '=', memberId).executeTakeFirst();
    if (Number(removed.numDeletedRows) !== 1)
      throw new DomainError('not_found', `member "${memberId}" was removed a moment ago`);
    await record({
      action: 'membership.remove',
      entity: 'membership',
      entityId: memberId,
      negotiationId: ctx.negotiation.id,
      before,
      after: null,
    });
  });
}

/** The people at the table, with their roles. */
export async function listMembers(store: Store, ctx: NegotiationContext): Promise<Member[]> {
  const users = await store.db
    .selectFrom('users')
    .select(['id', 'name', 'email'])
    .where('id', 'in', ctx.memberships.length ? ctx.memberships.map((m) => m.userId) : [''])
    .execute();
  return ctx.memberships.map((m) => {
    const u = users.find((x) => x.id === m.userId);
    return { ...m, name: u?.name ?? '', email: u?.email ?? '' };
  });
}

export function membershipFromRow(row: {
  id: string;
  negotiation_id: string;
  user_id: string;
  party_id: string | null;
  role: string;
  title: string;
}): Membership {
  return {
    id: row.id,
    negotiationId: row.negotiation_id,
    userId: row.user_id,
    partyId: row.party_id,
    role: row.role as Role,
    title: row.title,
  };
}
