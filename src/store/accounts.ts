import { DomainError, forbidden, invalid, notFound } from '../core/errors.ts';
import type { Id, User } from '../core/model.ts';
import { hashPassword, NO_PASSWORD, needsRehash, newToken, tokenHash, verifyPassword } from './passwords.ts';
import type { Store } from './store.ts';

/** Accounts and sessions: who signs in, with what, for how long. Each command checks the policy, writes the change and its audit event in one transaction. */

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * A valid hash (of random bytes, at the current cost) to compare against when the e-mail is unknown
 * or the account has no password yet, so that timing does not tell accounts apart.
 */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$e702a0SkElJH9OQcktW46A$A43uV93IzAsvm1dgAomNStzpy10McKbv+X9HfvYw7Jo';

/** How long the one-time link to choose a password stays valid. */
export const PASSWORD_LINK_DAYS = 7;

/** Expired sessions removed at most per sign-in (and per run of the server's schedule): bounded work. */
export const SESSION_PURGE_BATCH = 200;

function checkAccount(input: { email: string; name: string }): { email: string; name: string } {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw invalid('email', `"${input.email}" is not an e-mail address`);
  if (!input.name.trim()) throw invalid('name', 'give the person a name');
  return { email, name: input.name.trim() };
}

async function insertUser(
  store: Store,
  actorId: Id | null,
  user: User,
  passwordHash: string,
  setup: { tokenHash: string; expiresAt: string } | null,
): Promise<void> {
  await store.change(actorId, async (trx, record) => {
    const existing = await trx.selectFrom('users').select('id').where('email', '=', user.email).executeTakeFirst();
    if (existing)
      throw new DomainError('conflict', `an account with the e-mail ${user.email} exists already`, 'email', {
        email: user.email,
      });
    await trx
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email,
        name: user.name,
        password_hash: passwordHash,
        is_admin: user.isAdmin ? 1 : 0,
        created_at: store.nowIso(),
      })
      .execute();
    if (setup)
      await trx
        .insertInto('password_setups')
        .values({
          user_id: user.id,
          token_hash: setup.tokenHash,
          created_by: actorId,
          created_at: store.nowIso(),
          expires_at: setup.expiresAt,
        })
        .execute();
    await record({
      action: 'user.create',
      entityId: user.id,
      negotiationId: null,
      before: null,
      after: setup ? { ...user, password: 'to be chosen by the person' } : user,
    });
  });
}

/**
 * Creates an account with a password its person chose (an invitation's acceptance, the tests). An
 * administrator's accounts are made with `createAccount`, whose person chooses the password.
 */
export async function createUser(
  store: Store,
  actorId: Id | null,
  input: { email: string; name: string; password: string; isAdmin?: boolean; id?: Id },
): Promise<User> {
  const { email, name } = checkAccount(input);
  if (input.password.length < 8) throw invalid('password', 'a password needs at least 8 characters');
  const passwordHash = await hashPassword(input.password);
  const user: User = { id: input.id ?? store.id(), email, name, isAdmin: input.isAdmin ?? false };
  await insertUser(store, actorId, user, passwordHash, null);
  return user;
}

/**
 * Creates an account for a person, as an administrator does: without a password. The answer holds
 * a one-time token (shown only now) with which the person chooses their own password
 * (`choosePassword`); until then no password signs the account in, so the administrator never knows
 * one that works.
 */
export async function createAccount(
  store: Store,
  actorId: Id | null,
  input: { email: string; name: string; isAdmin?: boolean },
): Promise<{ user: User; token: string; expiresAt: string }> {
  const { email, name } = checkAccount(input);
  const user: User = { id: store.id(), email, name, isAdmin: input.isAdmin ?? false };
  const token = newToken();
  const expiresAt = new Date(store.now().getTime() + PASSWORD_LINK_DAYS * 86_400_000).toISOString();
  await insertUser(store, actorId, user, NO_PASSWORD, { tokenHash: tokenHash(token), expiresAt });
  return { user, token, expiresAt };
}

/**
 * A new one-time link for an account whose person has not chosen a password yet (the first link was
 * lost or expired); the earlier link stops working. An account with a password gets none: a link
 * would let whoever asked for it (an administrator) choose a password that works, which no
 * administrator may.
 */
export async function renewPasswordLink(
  store: Store,
  actorId: Id | null,
  userId: Id,
): Promise<{ user: User; token: string; expiresAt: string }> {
  const row = await store.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'is_admin', 'password_hash'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row) throw notFound(`account "${userId}"`);
  if (row.password_hash !== NO_PASSWORD)
    throw forbidden(
      `${row.name} has chosen a password already: a new link would let someone else choose one. They change it on their account page, signed in`,
    );
  const token = newToken();
  const expiresAt = new Date(store.now().getTime() + PASSWORD_LINK_DAYS * 86_400_000).toISOString();
  await store.change(actorId, async (trx, record) => {
    await trx.deleteFrom('password_setups').where('user_id', '=', row.id).execute();
    await trx
      .insertInto('password_setups')
      .values({
        user_id: row.id,
        token_hash: tokenHash(token),
        created_by: actorId,
        created_at: store.nowIso(),
        expires_at: expiresAt,
      })
      .execute();
    await record({
      action: 'user.password_link',
      entityId: row.id,
      negotiationId: null,
      before: null,
      after: { expiresAt },
    });
  });
  return { user: { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 }, token, expiresAt };
}

async function openSetup(store: Store, token: string) {
  const row = await store.db
    .selectFrom('password_setups')
    .innerJoin('users', 'users.id', 'password_setups.user_id')
    .select(['users.id', 'users.email', 'users.name', 'users.is_admin', 'password_setups.expires_at'])
    .where('password_setups.token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  // One answer for unknown, used and expired links: the link is all the holder has.
  if (!row || row.expires_at <= store.nowIso())
    throw new DomainError(
      'not_found',
      'this link to choose a password is unknown, used or expired; ask your administrator for a new account link',
    );
  return row;
}

/** What the holder of a link to choose a password may know before using it: whose account it opens. */
export async function passwordSetupByToken(
  store: Store,
  token: string,
): Promise<{ email: string; name: string; expiresAt: string }> {
  const row = await openSetup(store, token);
  return { email: row.email, name: row.name, expiresAt: row.expires_at };
}

/** The person of an account made by an administrator chooses its password with the one-time token, and is signed in. */
export async function choosePassword(
  store: Store,
  input: { token: string; password: string },
): Promise<{ token: string; user: User; expiresAt: string }> {
  const row = await openSetup(store, input.token);
  if (input.password.length < 8) throw invalid('password', 'a password needs at least 8 characters');
  const hash = await hashPassword(input.password);
  const user: User = { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 };
  await store.change(user.id, async (trx, record) => {
    const claimed = await trx
      .deleteFrom('password_setups')
      .where('user_id', '=', user.id)
      .where('token_hash', '=', tokenHash(input.token))
      .executeTakeFirst();
    if (Number(claimed.numDeletedRows) !== 1)
      throw new DomainError('not_found', 'this link to choose a password was used a moment ago');
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', user.id).execute();
    await record({
      action: 'user.password',
      entityId: user.id,
      negotiationId: null,
      before: null,
      after: { chosen: true },
    });
  });
  return { ...(await openSession(store, user.id)), user };
}

async function openSession(store: Store, userId: Id): Promise<{ token: string; expiresAt: string }> {
  const token = newToken();
  const expiresAt = new Date(store.now().getTime() + store.sessionHours * 3600_000).toISOString();
  await store.unaudited((trx) =>
    trx
      .insertInto('sessions')
      .values({ token_hash: tokenHash(token), user_id: userId, created_at: store.nowIso(), expires_at: expiresAt })
      .execute(),
  );
  return { token, expiresAt };
}

/** Removes expired sessions, the oldest first and at most `limit` of them; returns how many. */
export async function purgeExpiredSessions(store: Store, limit = SESSION_PURGE_BATCH): Promise<number> {
  const result = await store.unaudited((trx) => {
    const expired = trx
      .selectFrom('sessions')
      .select('token_hash')
      .where('expires_at', '<=', store.nowIso())
      .orderBy('expires_at')
      .limit(limit);
    return trx.deleteFrom('sessions').where('token_hash', 'in', expired).executeTakeFirst();
  });
  return Number(result.numDeletedRows);
}

export async function userByEmail(store: Store, email: string): Promise<User | null> {
  const row = await store.db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  return row ? { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 } : null;
}

/**
 * Checks a password and opens a session; null when the e-mail or the password is wrong (never which).
 * A hash weaker than the current cost (scrypt, from before) is replaced by an argon2id one, audited.
 * Each sign-in also removes a bounded number of expired sessions.
 */
export async function login(
  store: Store,
  email: string,
  password: string,
): Promise<{ token: string; user: User; expiresAt: string } | null> {
  const row = await store.db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  const usable = row !== undefined && row.password_hash !== NO_PASSWORD;
  const ok = await verifyPassword(password, usable ? row.password_hash : DUMMY_HASH);
  if (!row || !usable || !ok) return null;
  if (needsRehash(row.password_hash)) {
    const stronger = await hashPassword(password);
    await store.change(row.id, async (trx, record) => {
      // Only if the hash is still the one checked: a password changed meanwhile stays changed.
      const updated = await trx
        .updateTable('users')
        .set({ password_hash: stronger })
        .where('id', '=', row.id)
        .where('password_hash', '=', row.password_hash)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1)
        await record({
          action: 'user.password',
          entityId: row.id,
          negotiationId: null,
          before: null,
          after: { rehashed: 'argon2id' },
        });
    });
  }
  await purgeExpiredSessions(store);
  const session = await openSession(store, row.id);
  return { ...session, user: { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 } };
}

export async function userByToken(store: Store, token: string): Promise<User | null> {
  const hash = tokenHash(token);
  // Kept until a session or an account changes: a sign-out or a password change ends it at once.
  const row = await store.reads.get(`session ${hash}`, ['sessions', 'users'], async () => {
    const found = await store.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.email', 'users.name', 'users.is_admin', 'sessions.expires_at'])
      .where('sessions.token_hash', '=', hash)
      .executeTakeFirst();
    return found ?? null;
  });
  if (!row || row.expires_at <= store.nowIso()) return null;
  return { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 };
}

export async function logout(store: Store, token: string): Promise<void> {
  await store.unaudited((trx) => trx.deleteFrom('sessions').where('token_hash', '=', tokenHash(token)).execute());
}

/** A session as its owner sees it: never the token, only an id derived from its hash. */
export interface SessionView {
  id: string;
  createdAt: string;
  expiresAt: string;
  current: boolean;
}

const sessionId = (hash: string) => hash.slice(0, 16);

/** The person's open sessions, newest first; `current` marks the one asking. */
export async function listSessions(store: Store, user: User, currentToken: string): Promise<SessionView[]> {
  const current = tokenHash(currentToken);
  const rows = await store.db
    .selectFrom('sessions')
    .select(['token_hash', 'created_at', 'expires_at'])
    .where('user_id', '=', user.id)
    .where('expires_at', '>', store.nowIso())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((row) => ({
    id: sessionId(row.token_hash),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    current: row.token_hash === current,
  }));
}

/** Ends one of the person's own sessions (sign out elsewhere). */
export async function endSession(store: Store, user: User, id: string): Promise<void> {
  const rows = await store.db.selectFrom('sessions').select('token_hash').where('user_id', '=', user.id).execute();
  const row = rows.find((r) => sessionId(r.token_hash) === id);
  if (!row) throw new DomainError('not_found', `session "${id}" was not found, or has ended`);
  await store.unaudited((trx) => trx.deleteFrom('sessions').where('token_hash', '=', row.token_hash).execute());
}

/** Changes the password after checking the current one; every other session of the account ends. */
export async function changePassword(
  store: Store,
  user: User,
  currentToken: string,
  input: { currentPassword: string; newPassword: string },
): Promise<{ endedSessions: number }> {
  const row = await store.db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow();
  if (!(await verifyPassword(input.currentPassword, row.password_hash)))
    throw new DomainError('forbidden', 'the current password is wrong', 'currentPassword');
  if (input.newPassword.length < 8) throw invalid('newPassword', 'a password needs at least 8 characters');
  const hash = await hashPassword(input.newPassword);
  return store.change(user.id, async (trx, record) => {
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', user.id).execute();
    const ended = await trx
      .deleteFrom('sessions')
      .where('user_id', '=', user.id)
      .where('token_hash', '!=', tokenHash(currentToken))
      .executeTakeFirst();
    // The audit records that the password changed, never a hash of it.
    await record({
      action: 'user.password',
      entityId: user.id,
      negotiationId: null,
      before: null,
      after: { changed: true },
    });
    return { endedSessions: Number(ended.numDeletedRows) };
  });
}
