import { DomainError, invalid, notFound } from '../core/errors.ts';
import type { Id, Membership, Role } from '../core/model.ts';
import { login } from './accounts.ts';
import { requireMediator } from './guards.ts';
import { checkSeat, insertMembership } from './members.ts';
import { hashPassword, newToken, tokenHash, verifyPassword } from './passwords.ts';
import type { NegotiationContext, Store } from './store.ts';

/**
 * Invitations: a seat at the table offered to an e-mail that has no account yet. Parley sends no
 * mail: the one-time link goes back to the inviter, who passes it on. The link expires, can be
 * revoked, and is stored only as the SHA-256 of its token.
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
] as const;

/** Offers a seat to an e-mail without an account; returns the invitation and its one-time token. */
export async function createInvitation(
  store: Store,
  ctx: NegotiationContext,
  input: { email: string; partyId: Id | null; role: Role; title: string },
): Promise<{ invitation: Invitation; token: string }> {
  requireMediator(ctx, 'invite people');
  checkSeat(ctx, input);
  const token = newToken();
  const at = store.nowIso();
  const invitation: Invitation = {
    id: store.id(),
    negotiationId: ctx.negotiation.id,
    email: input.email,
    partyId: input.partyId,
    role: input.role,
    title: input.title,
    createdBy: ctx.user.id,
    createdAt: at,
    expiresAt: new Date(store.now().getTime() + INVITATION_DAYS * 86_400_000).toISOString(),
    acceptedAt: null,
    revokedAt: null,
  };
  await store.change(ctx.user.id, async (trx, record) => {
    const open = await trx
      .selectFrom('invitations')
      .select('id')
      .where('negotiation_id', '=', ctx.negotiation.id)
      .where('email', '=', input.email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    if (open) throw invalid('email', `${input.email} has an open invitation already; revoke it to send another`);
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
      })
      .execute();
    await record({
      action: 'invitation.create',
      entity: 'invitation',
      entityId: invitation.id,
      negotiationId: invitation.negotiationId,
      before: null,
      after: invitation,
    });
  });
  return { invitation, token };
}

/** The negotiation's invitations, newest first; for its mediators. */
export async function listInvitations(store: Store, ctx: NegotiationContext): Promise<Invitation[]> {
  requireMediator(ctx, 'see the invitations');
  const rows = await store.db
    .selectFrom('invitations')
    .select(COLUMNS)
    .where('negotiation_id', '=', ctx.negotiation.id)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(fromRow);
}

/** Revokes an open invitation: its link no longer works. */
export async function revokeInvitation(store: Store, ctx: NegotiationContext, id: Id): Promise<Invitation> {
  requireMediator(ctx, 'revoke invitations');
  return store.change(ctx.user.id, async (trx, record) => {
    const row = await trx
      .selectFrom('invitations')
      .select(COLUMNS)
      .where('id', '=', id)
      .where('negotiation_id', '=', ctx.negotiation.id)
      .executeTakeFirst();
    if (!row) throw notFound(`invitation "${id}"`);
    const before = fromRow(row);
    if (before.acceptedAt)
      throw invalid('id', `the invitation was accepted on ${before.acceptedAt}; remove the member instead`);
    if (before.revokedAt) return before;
    const after = { ...before, revokedAt: store.nowIso() };
    await trx.updateTable('invitations').set({ revoked_at: after.revokedAt }).where('id', '=', id).execute();
    await record({
      action: 'invitation.revoke',
      entity: 'invitation',
      entityId: id,
      negotiationId: ctx.negotiation.id,
      before,
      after,
    });
    return after;
  });
}

/** What the holder of a link may know before accepting: the negotiation, the seat, the e-mail. */
export async function invitationByToken(
  store: Store,
  token: string,
): Promise<{ negotiationTitle: string; email: string; role: Role; partyName: string | null; expiresAt: string }> {
  const row = await openInvitation(store, token);
  const negotiation = await store.db
    .selectFrom('negotiations')
    .select('data')
    .where('id', '=', row.negotiation_id)
    .executeTakeFirstOrThrow();
  const party = row.party_id
    ? await store.db.selectFrom('parties').select('data').where('id', '=', row.party_id).executeTakeFirst()
    : undefined;
  return {
    negotiationTitle: (JSON.parse(negotiation.data) as { title: string }).title,
    email: row.email,
    role: row.role as Role,
    partyName: party ? (JSON.parse(party.data) as { name: string }).name : null,
    expiresAt: row.expires_at,
  };
}

async function openInvitation(store: Store, token: string): Promise<Row> {
  const row = await store.db
    .selectFrom('invitations')
    .select(COLUMNS)
    .where('token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  // One answer for unknown, used, revoked and expired links: the link is all the holder has.
  if (!row || row.accepted_at || row.revoked_at || row.expires_at <= store.nowIso()) {
    throw new DomainError(
      'not_found',
      'this invitation link is unknown, used, revoked or expired; ask the convenor for a new one',
    );
  }
  return row;
}

/**
 * Accepts an invitation: creates the account with the chosen password (or, when the e-mail has an
 * account by now, checks its password), takes the seat, and signs the person in.
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
  const passwordHash = existing ? null : await hashPassword(input.password);
  const userId = existing?.id ?? store.id();
  const membership: Membership = {
    id: store.id(),
    negotiationId: row.negotiation_id,
    userId,
    partyId: row.party_id,
    role: row.role as Role,
    title: row.title,
  };
  await store.change(userId, async (trx, record) => {
    const claimed = await trx
      .updateTable('invitations')
      .set({ accepted_at: store.nowIso() })
      .where('id', '=', row.id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1)
      throw new DomainError('not_found', 'this invitation link was used a moment ago');
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
        entity: 'user',
        entityId: userId,
        negotiationId: null,
        before: null,
        after: user,
      });
    }
    const seated = await trx
      .selectFrom('memberships')
      .select('id')
      .where('negotiation_id', '=', row.negotiation_id)
      .where('user_id', '=', userId)
      .where((eb) => (row.party_id === null ? eb('party_id', 'is', null) : eb('party_id', '=', row.party_id)))
      .executeTakeFirst();
    if (!seated) await insertMembership(trx, record, membership);
    await record({
      action: 'invitation.accept',
      entity: 'invitation',
      entityId: row.id,
      negotiationId: row.negotiation_id,
      before: null,
      after: { membershipId: membership.id },
    });
  });
  const session = await login(store, row.email, input.password);
  if (!session) throw new Error('the account just made cannot sign in');
  return { token: session.token, expiresAt: session.expiresAt, membership };
}
