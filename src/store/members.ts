import { forbidden, invalid, notFound } from '../core/errors.ts';
import type { Id, Membership, Role } from '../core/model.ts';
import { canActAsMediator } from '../core/visibility.ts';
import { requireOperator } from './guards.ts';
import { applySeatChange, applySeatRemoval, propose, type Proposal } from './proposals.ts';
import { partyName } from './names.ts';
import {
  checkMediatorLeft,
  checkOneSeat,
  checkSeat,
  delegationHeads,
  insertMembership,
  isHeadOf,
  seatWords,
} from './seats.ts';
import type { NegotiationContext, Store } from './store.ts';

/**
 * The people at the table and their roles. A party's delegation is the party's: once it has a
 * principal or a lead, a seat in it changes only with them (a mediator proposes, they accept, or do
 * it themselves); before that, the convenor (any mediator) seats its first people. Mediators' seats
 * are the mediators'. A person holds one seat in a negotiation. Seats are offered by invitation
 * (`invitations.ts`), which the person accepts. Access follows a change at once, since every request
 * loads the reader's memberships anew.
 */

export type Member = Membership & { name: string; email: string };

/**
 * Whether the reader may change seats in a party's delegation by themselves: its principal or lead,
 * or (while the party has neither) the convenor. The operator at the command line holds the database.
 */
function actsForDelegation(ctx: NegotiationContext, partyId: Id): boolean {
  if (ctx.scope.isOperator || isHeadOf(ctx.parties, ctx.memberships, ctx.user.id, partyId)) return true;
  return canActAsMediator(ctx.scope) && delegationHeads(ctx.parties, ctx.memberships, partyId).length === 0;
}

/** Who may touch a seat of this party at all: its principal or lead directly, a mediator by proposal. */
function requireSeatChanger(ctx: NegotiationContext, partyId: Id | null, action: string): void {
  if (partyId === null) {
    if (!canActAsMediator(ctx.scope)) throw forbidden(`only a mediator may ${action} a mediator's seat`);
    return;
  }
  if (actsForDelegation(ctx, partyId) || canActAsMediator(ctx.scope)) return;
  throw forbidden(
    `only the principal or the lead of ${partyName(ctx.parties, partyId)} may ${action} a seat in its delegation (a mediator may propose it to them)`,
  );
}

/**
 * Seats an account directly, without an invitation: the operator at the command line only (who
 * holds the database and every seat in it anyway), for set-ups and repairs. Over HTTP a seat is
 * always an invitation the person accepts.
 */
export async function seatMember(
  store: Store,
  ctx: NegotiationContext,
  input: { userId: Id; partyId: Id | null; role: Role; title: string },
): Promise<Membership> {
  requireOperator(ctx, 'seat an account without an invitation');
  checkSeat(ctx, input);
  const membership: Membership = {
    id: store.id(),
    negotiationId: ctx.negotiation.id,
    userId: input.userId,
    partyId: input.partyId,
    role: input.role,
    title: input.title,
  };
  await store.change(ctx.user.id, async (trx, record) => {
    const user = await trx.selectFrom('users').select('id').where('id', '=', input.userId).executeTakeFirst();
    if (!user) throw invalid('userId', `no account has the id "${input.userId}"`);
    await checkOneSeat(trx, ctx, input.userId, 'this account', 'userId');
    await insertMembership(trx, record, membership);
  });
  return membership;
}

function membershipOf(ctx: NegotiationContext, memberId: Id): Membership {
  const membership = ctx.memberships.find((m) => m.id === memberId);
  if (!membership) throw notFound(`member "${memberId}"`);
  return membership;
}

export type SeatOutcome<T> = { kind: 'done'; value: T } | { kind: 'proposal'; proposal: Proposal };

/**
 * Changes a seat's role or title. A seat stays in its party: to sit elsewhere, a person is removed
 * and invited again. In a party with a principal or lead, only they change it; a mediator's change
 * becomes a proposal they accept.
 */
export async function updateMember(
  store: Store,
  ctx: NegotiationContext,
  memberId: Id,
  patch: { partyId?: Id | null; role?: Role; title?: string },
): Promise<SeatOutcome<Membership>> {
  const before = membershipOf(ctx, memberId);
  requireSeatChanger(ctx, before.partyId, 'change');
  if (patch.partyId !== undefined && patch.partyId !== before.partyId && !ctx.scope.isOperator)
    throw invalid(
      'partyId',
      `a seat does not move to another party or to the mediators: remove the seat of ${seatWords(ctx.parties, before)}, and invite the person to the other one`,
    );
  const after: Membership = { ...before, ...patch };
  checkSeat(ctx, after);
  checkMediatorLeft(ctx.memberships, before, after);
  if (before.partyId === null || actsForDelegation(ctx, before.partyId))
    return {
      kind: 'done',
      value: await store.change(ctx.user.id, (trx, record) => applySeatChange(trx, record, ctx, memberId, patch)),
    };
  const partyId = before.partyId;
  const proposal = await store.change(ctx.user.id, (trx, record) =>
    propose(
      store,
      ctx,
      trx,
      record,
      {
        kind: 'seat_change',
        membershipId: memberId,
        userId: before.userId,
        partyId,
        role: after.role,
        title: after.title,
      },
      [partyId],
    ),
  );
  return { kind: 'proposal', proposal };
}

/**
 * Removes a seat. The person's tokens stay valid for Parley, but no longer open this negotiation. In
 * a party with a principal or lead, only they remove it; a mediator's removal is a proposal to them.
 */
export async function removeMember(store: Store, ctx: NegotiationContext, memberId: Id): Promise<SeatOutcome<null>> {
  const before = membershipOf(ctx, memberId);
  requireSeatChanger(ctx, before.partyId, 'remove');
  checkMediatorLeft(ctx.memberships, before, null);
  if (before.partyId === null || actsForDelegation(ctx, before.partyId)) {
    await store.change(ctx.user.id, (trx, record) => applySeatRemoval(trx, record, ctx, memberId, store.nowIso()));
    return { kind: 'done', value: null };
  }
  const partyId = before.partyId;
  const proposal = await store.change(ctx.user.id, (trx, record) =>
    propose(store, ctx, trx, record, { kind: 'seat_removal', membershipId: memberId, userId: before.userId, partyId }, [
      partyId,
    ]),
  );
  return { kind: 'proposal', proposal };
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
