import type { Transaction } from 'kysely';
import { DomainError, forbidden, invalid, notFound } from '../core/errors.ts';
import type { Id, Membership, Party, Role, User } from '../core/model.ts';
import { canActAsMediator } from '../core/visibility.ts';
import { login } from './accounts.ts';
import { hashPassword, newToken, tokenHash, verifyPassword } from './passwords.ts';
import { closeProposalsAbout, insertProposal, propose, type Proposal, type ProposalTerms } from './proposals.ts';
import {
  checkOneSeat,
  checkSeat,
  delegationHeads,
  insertMembership,
  isHeadOf,
  readMemberships,
  seatWords,
} from './seats.ts';
import { partyName } from './names.ts';
import type { Database } from './schema.ts';
import type { NegotiationContext, Recorder, Store } from './store.ts';

/**
 * Invitations: every seat at the table is offered to an e-mail, and taken only when the person
 * accepts, whether the e-mail has an account or not; the inviter learns nothing about the account
 * (the answer is the same either way, and names no one). Parley sends no mail: the one-time link goes
 * back to the inviter, who passes it on; a person who has an account may instead accept it signed in,
 * from the list of their invitations. The link expires, can be revoked, and is stored only as the
 * SHA-256 of its token.
 *
 * A seat in a party with a principal or lead is the party's to give: an invitation into it that they
 * did not make waits for their consent (a proposal, `proposals.ts`) before it can be accepted.
 */

export interface Invitation {
  id: Id;
  negotiationId: Id;
  email: string;
  partyId: Id | null;
  role: Role;
  title: string;
  createdBy: Id;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
  /** The principal or lead who consented to the seat for its party; null while none has. */
  partyConsentBy: Id | null;
}

/** How long an invitation link stays valid. */
export const INVITATION_DAYS = 7;

type Row = {
  id: string;
  negotiation_id: string;
  email: string;
  party_id: string | null;
  role: string;
  title: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
  party_consent_by: string | null;
};

function fromRow(row: Row): Invitation {
  return {
    id: row.id,
    negotiationId: row.negotiation_id,
    email: row.email,
    partyId: row.party_id,
    role: row.role as Role,
    title: row.title,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
    revokedAt: row.revoked_at,
    partyConsentBy: row.party_consent_by,
  };
}

const COLUMNS = [
  'id',
  'negotiation_id',
  'email',
  'party_id',
  'role',
  'title',
  'created_by',
  'created_at',
  'expires_at',
  'accepted_at',
  'revoked_at',
  'party_consent_by',
] as const;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Whether the reader heads the party (its principal or lead), so that their invitation into it carries its consent. */
function headsParty(ctx: NegotiationContext, partyId: Id | null): boolean {
  return partyId !== null && isHeadOf(ctx.parties, ctx.memberships, ctx.user.id, partyId);
}

/**
 * Offers a seat to an e-mail: always an invitation that the person accepts, whether the e-mail has
 * an account or not, and the same answer either way. A mediator invites to any seat; a party's
 * principal or lead to a seat in their own party. An invitation into a party with a principal or lead
 * that they did not make comes with a proposal that awaits their consent.
 */
export async function inviteMember(
  store: Store,
  ctx: NegotiationContext,
  input: { email: string; partyId: Id | null; role: Role; title: string },
): Promise<{ invitation: Invitation; token: string; proposal: Proposal | null }> {
  if (!canActAsMediator(ctx.scope) && !headsParty(ctx, input.partyId))
    throw forbidden(
      input.partyId === null
        ? 'only a mediator may invite a mediator'
        : `only a mediator, or the principal or lead of ${partyName(ctx.parties, input.partyId)}, may invite people into its delegation`,
    );
  checkSeat(ctx, input);
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw invalid('email', `"${input.email}" is not an e-mail address`);
  const token = newToken();
  const at = store.nowIso();
  const invitation: Invitation = {
    id: store.id(),
    negotiationId: ctx.negotiation.id,
    email,
    partyId: input.partyId,
    role: input.role,
    title: input.title,
    createdBy: ctx.user.id,
    createdAt: at,
    expiresAt: new Date(store.now().getTime() + INVITATION_DAYS * 86_400_000).toISOString(),
    acceptedAt: null,
    revokedAt: null,
    partyConsentBy: headsParty(ctx, input.partyId) ? ctx.user.id : null,
  };
  const proposal = await store.change(ctx.user.id, async (trx, record) => {
    // The people at the table are listed with their e-mails, so naming a seated one tells nothing new.
    const seated = await trx
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select('memberships.user_id')
      .where('memberships.negotiation_id', '=', ctx.negotiation.id)
      .where('users.email', '=', email)
      .executeTakeFirst();
    if (seated) await checkOneSeat(trx, ctx, seated.user_id, email, 'email');
    const open = await trx
      .selectFrom('invitations')
      .select('id')
      .where('negotiation_id', '=', ctx.negotiation.id)
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    if (open) throw invalid('email', `${email} has an open invitation already; revoke it to send another`);
    await trx
      .insertInto('invitations')
      .values({
        id: invitation.id,
        negotiation_id: invitation.negotiationId,
        email: invitation.email,
        party_id: invitation.partyId,
        role: invitation.role,
        title: invitation.title,
        token_hash: tokenHash(token),
        created_by: invitation.createdBy,
        created_at: invitation.createdAt,
        expires_at: invitation.expiresAt,
        party_consent_by: invitation.partyConsentBy,
      })
      .execute();
    await record({
      action: 'invitation.create',
      entityId: invitation.id,
      negotiationId: invitation.negotiationId,
      before: null,
      after: invitation,
    });
    const partyId = invitation.partyId;
    if (partyId === null || invitation.partyConsentBy !== null) return null;
    if (delegationHeads(ctx.parties, ctx.memberships, partyId).length === 0) return null;
    return propose(store, ctx, trx, record, invitationTerms(invitation, partyId), [partyId]);
  });
  return { invitation, token, proposal };
}

function invitationTerms(invitation: Invitation, partyId: Id): ProposalTerms {
  return {
    kind: 'invitation',
    invitationId: invitation.id,
    email: invitation.email,
    partyId,
    role: invitation.role,
    title: invitation.title,
  };
}

/** Who may see and revoke an invitation: a mediator, or a principal or lead of its party. */
function mayManage(ctx: NegotiationContext, partyId: Id | null): boolean {
  return canActAsMediator(ctx.scope) || headsParty(ctx, partyId);
}

/**
 * The negotiation's invitations, newest first: all of them for its mediators; for a party's
 * principal or lead, those into their party.
 */
export async function listInvitations(store: Store, ctx: NegotiationContext): Promise<Invitation[]> {
  const headed = ctx.parties.filter((p) => headsParty(ctx, p.id));
  if (!canActAsMediator(ctx.scope) && headed.length === 0)
    throw forbidden('only a mediator, or a principal or lead (for their own party), may see the invitations');
  const rows = await store.db
    .selectFrom('invitations')
    .select(COLUMNS)
    .where('negotiation_id', '=', ctx.negotiation.id)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(fromRow).filter((inv) => mayManage(ctx, inv.partyId));
}

/** Revokes an open invitation: its link no longer works. */
export async function revokeInvitation(store: Store, ctx: NegotiationContext, id: Id): Promise<Invitation> {
  if (!canActAsMediator(ctx.scope) && !ctx.parties.some((p) => headsParty(ctx, p.id)))
    throw forbidden('only a mediator, or a principal or lead (for their own party), may revoke invitations');
  return store.change(ctx.user.id, async (trx, record) => {
    const row = await trx
      .selectFrom('invitations')
      .select(COLUMNS)
      .where('id', '=', id)
      .where('negotiation_id', '=', ctx.negotiation.id)
      .executeTakeFirst();
    if (!row || !mayManage(ctx, row.party_id)) throw notFound(`invitation "${id}"`);
    const before = fromRow(row);
    if (before.acceptedAt)
      throw invalid('id', `the invitation was accepted on ${before.acceptedAt}; remove the member instead`);
    if (before.revokedAt) return before;
    const after = { ...before, revokedAt: store.nowIso() };
    await trx.updateTable('invitations').set({ revoked_at: after.revokedAt }).where('id', '=', id).execute();
    await closeProposalsAbout(trx, record, ctx, id, after.revokedAt);
    await record({
      action: 'invitation.revoke',
      entityId: id,
      negotiationId: ctx.negotiation.id,
      before,
      after,
    });
    return after;
  });
}

/** What an invitation offers, as its holder reads it before accepting. */
export interface InvitationOffer {
  id: Id;
  negotiationId: Id;
  negotiationTitle: string;
  email: string;
  role: Role;
  title: string;
  partyName: string | null;
  expiresAt: string;
  /** True while the party's principal or lead has not consented to the seat: it cannot be taken yet. */
  awaitingPartyConsent: boolean;
}

async function offerOf(store: Store, row: Row): Promise<InvitationOffer> {
  const negotiation = await store.db
    .selectFrom('negotiations')
    .select('data')
    .where('id', '=', row.negotiation_id)
    .executeTakeFirstOrThrow();
  const parties = await partiesOf(store.db, row.negotiation_id);
  const memberships = await readMemberships(store.db, row.negotiation_id);
  return {
    id: row.id,
    negotiationId: row.negotiation_id,
    negotiationTitle: (JSON.parse(negotiation.data) as { title: string }).title,
    email: row.email,
    role: row.role as Role,
    title: row.title,
    partyName: row.party_id ? partyName(parties, row.party_id) : null,
    expiresAt: row.expires_at,
    awaitingPartyConsent: awaitsParty(row, parties, memberships),
  };
}

async function partiesOf(db: Store['db'] | Transaction<Database>, negotiationId: Id): Promise<Party[]> {
  const rows = await db.selectFrom('parties').select('data').where('negotiation_id', '=', negotiationId).execute();
  return rows.map((r) => JSON.parse(r.data) as Party);
}

/** An invitation into a party with a principal or lead waits for their consent. */
function awaitsParty(row: Row, parties: Party[], memberships: Membership[]): boolean {
  return (
    row.party_id !== null &&
    row.party_consent_by === null &&
    delegationHeads(parties, memberships, row.party_id).length > 0
  );
}

/** What the holder of a link may know before accepting: the negotiation, the seat, the e-mail. */
export async function invitationByToken(store: Store, token: string): Promise<InvitationOffer> {
  return offerOf(store, await openInvitation(store, token));
}

/** The open invitations addressed to a signed-in person's e-mail, across negotiations. */
export async function listMyInvitations(store: Store, user: User): Promise<InvitationOffer[]> {
  const rows = await store.db
    .selectFrom('invitations')
    .select(COLUMNS)
    .where('email', '=', user.email.toLowerCase())
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', store.nowIso())
    .orderBy('created_at', 'desc')
    .execute();
  const offers: InvitationOffer[] = [];
  for (const row of rows) offers.push(await offerOf(store, row));
  return offers;
}

const UNUSABLE = 'this invitation link is unknown, used, revoked or expired; ask the convenor for a new one';

async function openInvitation(store: Store, token: string): Promise<Row> {
  const row = await store.db
    .selectFrom('invitations')
    .select(COLUMNS)
    .where('token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  // One answer for unknown, used, revoked and expired links: the link is all the holder has.
  if (!row || row.accepted_at || row.revoked_at || row.expires_at <= store.nowIso())
    throw new DomainError('not_found', UNUSABLE);
  return row;
}

/**
 * Refuses an invitation that still awaits its party's consent. A refusal writes nothing: the
 * proposal its principal or lead consents to was made with the invitation, or when the party's first
 * principal or lead took their seat (`proposePendingInvitations`).
 */
async function requirePartyConsent(store: Store, row: Row): Promise<void> {
  const parties = await partiesOf(store.db, row.negotiation_id);
  const memberships = await readMemberships(store.db, row.negotiation_id);
  if (!awaitsParty(row, parties, memberships)) return;
  throw forbidden(
    `the delegation of ${partyName(parties, row.party_id!)} has not yet consented to this seat: its principal or lead accepts it in Parley (Convening), and then the invitation can be accepted`,
  );
}

/**
 * When a party's first principal or lead takes a seat, the invitations the convenor made into the
 * party before (without its consent) now need it: each gets a proposal for them to consent to.
 */
async function proposePendingInvitations(
  store: Store,
  trx: Transaction<Database>,
  record: Recorder,
  negotiationId: Id,
  partyId: Id,
): Promise<void> {
  const rows = await trx
    .selectFrom('invitations')
    .select(COLUMNS)
    .where('negotiation_id', '=', negotiationId)
    .where('party_id', '=', partyId)
    .where('party_consent_by', 'is', null)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', store.nowIso())
    .execute();
  for (const row of rows) {
    const pending = await trx
      .selectFrom('proposals')
      .select('id')
      .where('negotiation_id', '=', negotiationId)
      .where('subject_id', '=', row.id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    if (pending) continue;
    await insertProposal(store, trx, record, {
      negotiationId,
      proposedBy: row.created_by,
      terms: invitationTerms(fromRow(row), partyId),
      partyIds: [partyId],
      consents: [],
    });
  }
}

/**
 * Takes the seat of an open invitation for an account, in the transaction that marks it accepted:
 * the party's consent and the one-seat rule are read there, so two acceptances cannot both pass.
 */
async function takeSeat(
  store: Store,
  trx: Transaction<Database>,
  record: Recorder,
  row: Row,
  userId: Id,
): Promise<Membership> {
  const claimed = await trx
    .updateTable('invitations')
    .set({ accepted_at: store.nowIso() })
    .where('id', '=', row.id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) throw new DomainError('not_found', 'this invitation was used a moment ago');
  const parties = await partiesOf(trx, row.negotiation_id);
  const memberships = await readMemberships(trx, row.negotiation_id);
  if (awaitsParty(row, parties, memberships))
    throw forbidden(`the delegation of ${partyName(parties, row.party_id!)} has not yet consented to this seat`);
  const mine = memberships.find((m) => m.userId === userId);
  if (mine) {
    throw invalid(
      'token',
      `you already hold a seat in this negotiation (${seatWords(parties, mine)}); a person holds one seat in a negotiation, so this invitation cannot be accepted: ask to have that seat changed instead`,
    );
  }
  const membership: Membership = {
    id: store.id(),
    negotiationId: row.negotiation_id,
    userId,
    partyId: row.party_id,
    role: row.role as Role,
    title: row.title,
  };
  const firstHead =
    membership.partyId !== null &&
    (membership.role === 'principal' || membership.role === 'lead') &&
    delegationHeads(parties, memberships, membership.partyId).length === 0;
  await insertMembership(trx, record, membership);
  if (firstHead) await proposePendingInvitations(store, trx, record, row.negotiation_id, membership.partyId!);
  await record({
    action: 'invitation.accept',
    entityId: row.id,
    negotiationId: row.negotiation_id,
    before: null,
    after: { membershipId: membership.id },
  });
  return membership;
}

/**
 * Accepts an invitation by its link: creates the account with the chosen password (or, when the
 * e-mail has an account, checks its password), takes the seat, and signs the person in.
 */
export async function acceptInvitation(
  store: Store,
  input: { token: string; name: string; password: string },
): Promise<{ token: string; expiresAt: string; membership: Membership }> {
  const row = await openInvitation(store, input.token);
  const existing = await store.db
    .selectFrom('users')
    .select(['id', 'password_hash'])
    .where('email', '=', row.email)
    .executeTakeFirst();
  if (existing && !(await verifyPassword(input.password, existing.password_hash))) {
    throw new DomainError('unauthenticated', `an account with ${row.email} exists: accept with its password`);
  }
  if (!existing) {
    if (input.password.length < 8) throw invalid('password', 'a password needs at least 8 characters');
    if (!input.name.trim()) throw invalid('name', 'give your name as the others at the table should read it');
  }
  await requirePartyConsent(store, row);
  const passwordHash = existing ? null : await hashPassword(input.password);
  const userId = existing?.id ?? store.id();
  const membership = await store.change(userId, async (trx, record) => {
    if (passwordHash) {
      const user = { id: userId, email: row.email, name: input.name.trim(), isAdmin: false };
      await trx
        .insertInto('users')
        .values({
          id: userId,
          email: row.email,
          name: user.name,
          password_hash: passwordHash,
          is_admin: 0,
          created_at: store.nowIso(),
        })
        .execute();
      await record({
        action: 'user.create',
        entityId: userId,
        negotiationId: null,
        before: null,
        after: user,
      });
    }
    return takeSeat(store, trx, record, row, userId);
  });
  const session = await login(store, row.email, input.password);
  if (!session) throw new Error('the account just made cannot sign in');
  return { token: session.token, expiresAt: session.expiresAt, membership };
}

/**
 * Accepts an invitation addressed to the signed-in person's e-mail: no link or password needed. Any
 * other invitation gets the answer an unknown one gets.
 */
export async function acceptInvitationSignedIn(store: Store, user: User, invitationId: Id): Promise<Membership> {
  const row = await store.db
    .selectFrom('invitations')
    .select(COLUMNS)
    .where('id', '=', invitationId)
    .executeTakeFirst();
  if (
    !row ||
    row.email !== user.email.toLowerCase() ||
    row.accepted_at ||
    row.revoked_at ||
    row.expires_at <= store.nowIso()
  )
    throw notFound(`invitation "${invitationId}"`);
  await requirePartyConsent(store, row);
  return store.change(user.id, (trx, record) => takeSeat(store, trx, record, row, user.id));
}
