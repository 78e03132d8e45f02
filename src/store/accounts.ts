import { DomainError, invalid } from '../core/errors.ts';
import type { Id, User } from '../core/model.ts';
import { hashPassword, newToken, tokenHash, verifyPassword } from './passwords.ts';
import type { Store } from './store.ts';

/** Accounts and sessions: who signs in, with what, for how long. Each command checks the policy, writes the change and its audit event in one transaction. */

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** A valid hash to compare against when the e-mail is unknown, so that timing does not tell accounts apart. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export async function createUser(
  store: Store,
  actorId: Id | null,
  input: { email: string; name: string; password: string; isAdmin?: boolean; id?: Id },
): Promise<User> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw invalid('email', `"${input.email}" is not an e-mail address`);
  if (input.password.length < 8) throw invalid('password', 'a password needs at least 8 characters');
  if (!input.name.trim()) throw invalid('name', 'give the person a name');
  const passwordHash = await hashPassword(input.password);
  const user: User = { id: input.id ?? store.id(), email, name: input.name.trim(), isAdmin: input.isAdmin ?? false };
  return store.change(actorId, async (trx, record) => {
    const existing = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (existing)
      throw new DomainError('conflict', `an account with the e-mail ${email} exists already`, 'email', { email });
    await trx
      .insertInto('users')
      .values({
        id: user.id,
        email,
        name: user.name,
        password_hash: passwordHash,
        is_admin: user.isAdmin ? 1 : 0,
        created_at: store.nowIso(),
      })
      .execute();
    await record({
      action: 'user.create',
      entity: 'user',
      entityId: user.id,
      negotiationId: null,
      before: null,
      after: user,
    });
    return user;
  });
}

export async function userByEmail(store: Store, email: string): Promise<User | null> {
  const row = await store.db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  return row ? { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 } : null;
}

/** Checks a password and opens a session; null when the e-mail or the password is wrong (never which). */
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
  const ok = row ? await verifyPassword(password, row.password_hash) : await verifyPassword(password, DUMMY_HASH);
  if (!row || !ok) return null;
  const token = newToken();
  const expiresAt = new Date(store.now().getTime() + store.sessionHours * 3600_000).toISOString();
  await store.db
    .insertInto('sessions')
    .values({ token_hash: tokenHash(token), user_id: row.id, created_at: store.nowIso(), expires_at: expiresAt })
    .execute();
  return { token, user: { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 }, expiresAt };
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
  await store.db.deleteFrom('sessions').where('token_hash', '=', tokenHash(token)).execute();
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
  await store.db.deleteFrom('sessions').where('token_hash', '=', row.token_hash).execute();
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
      entity: 'user',
      entityId: user.id,
      negotiationId: null,
      before: null,
      after: { changed: true },
    });
    return { endedSessions: Number(ended.numDeletedRows) };
  });
}
