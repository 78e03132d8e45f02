import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { FairQueue } from '../../src/server/sign-in-guard.ts';
import {
  createAccount,
  createUser,
  login,
  purgeExpiredSessions,
  SESSION_PURGE_BATCH,
} from '../../src/store/accounts.ts';
import { hashPassword, needsRehash, verifyPassword } from '../../src/store/passwords.ts';
import { Store } from '../../src/store/store.ts';
import { freshDatabase } from '../helpers.ts';

/** A hash as Parley wrote them before argon2id: scrypt with N=2^15, r=8, p=1. */
function oldScryptHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', 1 << 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

async function openStore(clock: { at: number }) {
  return Store.open(await freshDatabase('accounts'), { now: () => new Date(clock.at) });
}

describe('passwords: argon2id at the OWASP cost, old scrypt hashes rehashed at the next sign-in', () => {
  test('new hashes are argon2id with m=19 MiB, t=2, p=1, and verify only their own password', async () => {
    const hash = await hashPassword('correct horse');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(needsRehash(hash), false);
    assert.equal(await verifyPassword('correct horse', hash), true);
    assert.equal(await verifyPassword('correct horsE', hash), false);
    assert.equal(needsRehash('$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g'), true, 'a weaker argon2id');
    assert.equal(await verifyPassword('anything', '!no-password'), false);
    assert.equal(await verifyPassword('anything', '$argon2id$garbage'), false);
  });

  test('an old scrypt hash still signs in, and is replaced by argon2id (audited, without the hash) at that sign-in', async () => {
    const clock = { at: Date.parse('2026-01-05T09:00:00Z') };
    const store = await openStore(clock);
    const user = await createUser(store, null, { email: 'old@example.org', name: 'Old Hash', password: 'unused-1' });
    const scrypt = oldScryptHash('kept-for-years');
    await store.db.updateTable('users').set({ password_hash: scrypt }).where('id', '=', user.id).execute();
    const stored = async () =>
      (await store.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow())
        .password_hash;

    assert.equal(await login(store, 'old@example.org', 'wrong-password'), null);
    assert.equal(await stored(), scrypt, 'a failed sign-in changes nothing');

    const session = await login(store, 'old@example.org', 'kept-for-years');
    assert.ok(session, 'the scrypt hash still verifies');
    const rehashed = await stored();
    assert.match(rehashed, /^\$argon2id\$/);
    assert.equal(await verifyPassword('kept-for-years', rehashed), true);
    assert.ok(await login(store, 'old@example.org', 'kept-for-years'), 'and the new hash signs in');
    assert.equal(await stored(), rehashed, 'rehashed once');

    const events = await store.db
      .selectFrom('audit_events')
      .select(['action', 'after'])
      .where('entity_id', '=', user.id)
      .where('action', '=', 'user.password')
      .execute();
    assert.deepEqual(
      events.map((e) => JSON.parse(e.after!)),
      [{ rehashed: 'argon2id' }],
    );
    assert.equal((await store.verifyAudit()).ok, true);
    await store.close();
  });

  test('an account made by an administrator has no password that signs in, whatever is tried', async () => {
    const store = await openStore({ at: Date.parse('2026-01-05T09:00:00Z') });
    const made = await createAccount(store, null, { email: 'new@example.org', name: 'New Person' });
    for (const guess of ['', '!no-password', made.token, 'new@example.org', 'password1'])
      assert.equal(await login(store, 'new@example.org', guess), null, guess);
    await store.close();
  });
});

describe('sessions: expired ones are purged, a bounded batch at a time', () => {
  test('a purge removes at most one batch of expired sessions, oldest first, and never a live one', async () => {
    const clock = { at: Date.parse('2026-01-05T09:00:00Z') };
    const store = await openStore(clock);
    const user = await createUser(store, null, { email: 'p@example.org', name: 'P', password: 'long-enough' });
    const rows = Array.from({ length: SESSION_PURGE_BATCH + 50 }, (_, i) => ({
      token_hash: `expired-${i}`,
      user_id: user.id,
      created_at: new Date(clock.at - 86_400_000).toISOString(),
      expires_at: new Date(clock.at - 1000 * (i + 1)).toISOString(),
    }));
    await store.db.insertInto('sessions').values(rows).execute();
    const live = await login(store, 'p@example.org', 'long-enough');
    assert.ok(live);
    // The sign-in purged one batch; the oldest went first.
    const left = await store.db.selectFrom('sessions').select(['token_hash', 'expires_at']).execute();
    assert.equal(left.length, 50 + 1);
    assert.ok(
      left.some((r) => r.token_hash === 'expired-0'),
      'the most recently expired waits for the next batch',
    );
    assert.equal(await purgeExpiredSessions(store), 50);
    assert.equal(await purgeExpiredSessions(store), 0);
    const kept = await store.db.selectFrom('sessions').select('expires_at').execute();
    assert.equal(kept.length, 1, 'the live session stays');
    await store.close();
  });
});

describe('the fair queue of password checks', () => {
  /** A check that ends when the test says. */
  function gate() {
    let open!: () => void;
    const done = new Promise<void>((resolve) => (open = resolve));
    return { open, done };
  }

  test('addresses are served in turn: a check from a second address runs before the first address’s waiting ones', async () => {
    const queue = new FairQueue(1, 4);
    const order: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const run = (address: string, name: string) => {
      const g = gate();
      gates.set(name, g);
      return queue.run(
        address,
        async () => {
          order.push(name);
          await g.done;
        },
        () => new Error(`${name} refused`),
      );
    };
    const all = [run('A', 'a1'), run('A', 'a2'), run('A', 'a3'), run('A', 'a4'), run('B', 'b1')];
    await assert.rejects(run('A', 'a5'), /a5 refused/, 'an address holds at most its share');
    for (const name of ['a1', 'b1', 'a2', 'a3', 'a4']) {
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(order.at(-1), name, `${name} runs next: ${order.join(' ')}`);
      gates.get(name)!.open();
    }
    await Promise.all(all);
    assert.equal(queue.holding('A'), 0);
    await queue.run(
      'A',
      async () => undefined,
      () => new Error('refused'),
    );
  });
});
