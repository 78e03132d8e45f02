import { invalid } from '../core/errors.ts';
import type { Id, Membership, Role } from '../core/model.ts';
import { requireMediator } from './guards.ts';
import type { NegotiationContext, Store } from './store.ts';

/** The people at the table and their roles. Each command checks the policy, writes the change and its audit event in one transaction. */

export async function addMember(
  store: Store,
  ctx: NegotiationContext,
  input: { userId: Id; partyId: Id | null; role: Role; title: string },
): Promise<Membership> {
  requireMediator(ctx, 'add people to the negotiation');
  if ((input.role === 'mediator') !== (input.partyId === null))
    throw invalid('partyId', 'a mediator belongs to no party (partyId null); every other role needs a party');
  if (input.partyId !== null && !ctx.parties.some((p) => p.id === input.partyId))
    throw invalid('partyId', `"${input.partyId}" is not a party of this negotiation`);
  const user = await store.db.selectFrom('users').select('id').where('id', '=', input.userId).executeTakeFirst();
  if (!user) throw invalid('userId', `no account has the id "${input.userId}"`);
  if (ctx.memberships.some((m) => m.userId === input.userId && m.partyId === input.partyId))
    throw invalid('userId', 'this person already has a role there');
  const membership: Membership = { id: store.id(), negotiationId: ctx.negotiation.id, ...input };
  return store.change(ctx.user.id, async (trx, record) => {
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
    return membership;
  });
}

/** The people at the table, with their roles. */
export async function listMembers(
  store: Store,
  ctx: NegotiationContext,
): Promise<(Membership & { name: string; email: string })[]> {
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
