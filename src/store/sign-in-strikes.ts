/**
 * The sign-in guard's counts of failed password checks (server/sign-in-guard.ts), kept in the
 * database so that every server process on it applies the same back-off: with the counts in each
 * process's memory, two processes behind a proxy gave a guesser twice the attempts. A key is a client
 * address or an account (`address:…`, `account:…`); each failure adds one to its count atomically (an
 * upsert), and its window only ever grows, so processes failing the same key at once lose nothing.
 * The addresses an account signed in from (exempt from that account's count) are kept beside them, so
 * that a person's usual address is known to every process, not only to the one that signed them in.
 *
 * Each write is one statement outside the store's write lock and its count of commits: nothing reads
 * these tables through the read cache, so a spray of failed sign-ins neither waits behind the
 * negotiation's writes nor makes every process drop what it has cached.
 */
import type { Store } from './store.ts';

export interface StoredStrikes {
  readonly failures: number;
  readonly lastFailure: number;
  /** Until when the key is refused (milliseconds since the epoch; in the past: not refused). */
  readonly until: number;
}

/** How many old keys one purge removes at most. */
const STRIKE_PURGE_BATCH = 1000;

/** The stored counts of these keys (a key with none is absent). */
export async function readStrikes(store: Store, keys: readonly string[]): Promise<Map<string, StoredStrikes>> {
  if (keys.length === 0) return new Map();
  const rows = await store.db.selectFrom('sign_in_strikes').selectAll().where('key', 'in', keys).execute();
  return new Map(
    rows.map((row) => [
      row.key,
      { failures: Number(row.failures), lastFailure: Number(row.last_failure), until: Number(row.until) },
    ]),
  );
}

/**
 * One more failure of `key` at `now`: returns its count after it. A key whose last failure is
 * `forgetAfterMs` old and whose window has passed starts again from one.
 */
export async function addStrike(store: Store, key: string, now: number, forgetAfterMs: number): Promise<number> {
  const row = await store.db
    .insertInto('sign_in_strikes')
    .values({ key, failures: 1, last_failure: now, until: 0 })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet((eb) => ({
        failures: eb
          .case()
          .when(
            eb.and([
              eb('sign_in_strikes.last_failure', '<=', now - forgetAfterMs),
              eb('sign_in_strikes.until', '<=', now),
            ]),
          )
          .then(1)
          .else(eb('sign_in_strikes.failures', '+', 1))
          .end(),
        last_failure: now,
      })),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

/** Refuses `key` until at least `until` (a later window already set stays). */
export async function holdStrike(store: Store, key: string, until: number): Promise<void> {
  await store.db
    .updateTable('sign_in_strikes')
    .set({ until })
    .where('key', '=', key)
    .where('until', '<', until)
    .execute();
}

/** Removes keys whose last failure is older than `olderThanMs` and whose window has passed, at most a batch. */
export async function purgeOldStrikes(store: Store, now: number, olderThanMs: number): Promise<number> {
  const old = store.db
    .selectFrom('sign_in_strikes')
    .select('key')
    .where('last_failure', '<=', now - olderThanMs)
    .where('until', '<=', now)
    .orderBy('last_failure')
    .limit(STRIKE_PURGE_BATCH);
  const result = await store.db.deleteFrom('sign_in_strikes').where('key', 'in', old).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** When `account` last signed in from `address` (milliseconds since the epoch), or null. */
export async function knownSince(store: Store, account: string, address: string): Promise<number | null> {
  const row = await store.db
    .selectFrom('sign_in_known')
    .select('last_success')
    .where('account', '=', account)
    .where('address', '=', address)
    .executeTakeFirst();
  return row ? Number(row.last_success) : null;
}

/** Records that `account` signed in from `address` at `now`. */
export async function rememberAddress(store: Store, account: string, address: string, now: number): Promise<void> {
  await store.db
    .insertInto('sign_in_known')
    .values({ account, address, last_success: now })
    .onConflict((conflict) => conflict.columns(['account', 'address']).doUpdateSet({ last_success: now }))
    .execute();
}

/** Forgets the addresses not signed in from for `olderThanMs` (about a batch at a time, the oldest first). */
export async function purgeOldAddresses(store: Store, now: number, olderThanMs: number): Promise<number> {
  const oldest = store.db
    .selectFrom('sign_in_known')
    .select('last_success')
    .where('last_success', '<=', now - olderThanMs)
    .orderBy('last_success')
    .limit(STRIKE_PURGE_BATCH);
  const result = await store.db
    .deleteFrom('sign_in_known')
    .where('last_success', '<=', now - olderThanMs)
    .where('last_success', 'in', oldest)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** These functions on `store`, as the sign-in guard takes them (`SignInGuardOptions.shared`). */
export function storeStrikes(store: Store) {
  return {
    read: (keys: readonly string[]) => readStrikes(store, keys),
    add: (key: string, now: number, forgetAfterMs: number) => addStrike(store, key, now, forgetAfterMs),
    hold: (key: string, until: number) => holdStrike(store, key, until),
    knownSince: (account: string, address: string) => knownSince(store, account, address),
    remember: (account: string, address: string, now: number) => rememberAddress(store, account, address, now),
  };
}
