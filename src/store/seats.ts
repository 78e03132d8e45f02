import type { Transaction } from 'kysely';
import { DomainError, invalid } from '../core/errors.ts';
import type { Id, Membership, Party, Role } from '../core/model.ts';
import { partyName } from './names.ts';
import type { Database } from './schema.ts';
import type { Executor, NegotiationContext, Recorder } from './store.ts';

/**
 * Who sits where at a negotiation's table, and the rules of a seat: reading the seats, who heads a
 * delegation (its principal or lead), one person one seat, a mediator in no party, a mediator left.
 * The commands that give, change and take seats (`members.ts`, `invitations.ts`, and `proposals.ts`
 * for the changes that wait for a party's consent) read and check here.
 */

/** A seat as the `memberships` table stores it. */
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

/** Every seat of a negotiation, as it stands (in the caller's transaction when given one). */
export async function readMemberships(db: Executor, negotiationId: Id): Promise<Membership[]> {
  const rows = await db.selectFrom('memberships').selectAll().where('negotiation_id', '=', negotiationId).execute();
  return rows.map(membershipFromRow);
}

/**
 * The principals and leads who act for a party: its own and, for a coalition, those of its member
 * parties as well (who send its texts), as `core/visibility.ts` has it.
 */
export function delegationHeads(parties: Party[], memberships: Membership[], partyId: Id): Membership[] {
  const party = parties.find((p) => p.id === partyId);
  const acting = new Set([partyId, ...(party?.kind === 'coalition' ? party.memberPartyIds : [])]);
  return memberships.filter(
    (m) => m.partyId !== null && acting.has(m.partyId) && (m.role === 'principal' || m.role === 'lead'),
  );
}

/** Whether this person is a principal or a lead of the party (or, for a coalition, of a member party). */
export function isHeadOf(parties: Party[], memberships: Membership[], userId: Id, partyId: Id): boolean {
  return delegationHeads(parties, memberships, partyId).some((m) => m.userId === userId);
}

/** The rules of one seat: a mediator belongs to no party, every other role to a party of the table. */
export function checkSeat(ctx: NegotiationContext, seat: { partyId: Id | null; role: Role }): void {
  if ((seat.role === 'mediator') !== (seat.partyId === null))
    throw invalid('partyId', 'a mediator belongs to no party (partyId null); every other role needs a party');
  if (seat.partyId !== null && !ctx.parties.some((p) => p.id === seat.partyId))
    throw invalid('partyId', `"${seat.partyId}" is not a party of this negotiation`);
}

/** A seat in words: "lead of Ukraine", "mediator". */
export function seatWords(parties: Party[], seat: { partyId: Id | null; role: Role }): string {
  return seat.partyId === null ? seat.role : `${seat.role} of ${partyName(parties, seat.partyId)}`;
}

/**
 * One person, one seat in a negotiation: a mediator sits in no delegation, and no one sits in two.
 * Read in the transaction that would give the second seat.
 */
export async function checkOneSeat(
  trx: Transaction<Database>,
  ctx: NegotiationContext,
  userId: Id,
  who: string,
  field: string,
): Promise<void> {
  const seats = (await readMemberships(trx, ctx.negotiation.id)).filter((m) => m.userId === userId);
  if (seats.length > 0)
    throw invalid(
      field,
      `${who} already ${who === 'you' ? 'hold' : 'holds'} a seat in this negotiation (${seatWords(ctx.parties, seats[0]!)}); a person holds one seat in a negotiation: change that seat, or remove it first`,
    );
}

/** A negotiation keeps a mediator: someone must be able to seat people and record the rounds. */
export function checkMediatorLeft(memberships: Membership[], without: Membership, next: Membership | null): void {
  const mediators = memberships.filter((m) => m.role === 'mediator' && m.id !== without.id);
  if (mediators.length === 0 && next?.role !== 'mediator')
    throw invalid('role', 'this is the last mediator of the negotiation; seat another mediator first');
}

/** A seat as it stands in the transaction, with the others; 404 when it was removed meanwhile. */
export async function currentMembership(trx: Transaction<Database>, ctx: NegotiationContext, memberId: Id) {
  const memberships = await readMemberships(trx, ctx.negotiation.id);
  const before = memberships.find((m) => m.id === memberId);
  if (!before) throw new DomainError('not_found', 'this seat was removed a moment ago');
  return { before, memberships };
}

/** Writes a new seat and its audit event (in the caller's transaction). */
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
    entityId: membership.id,
    negotiationId: membership.negotiationId,
    before: null,
    after: membership,
  });
}
