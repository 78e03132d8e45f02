import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { KNOWN_ADDRESS_MS, SignInGuard } from '../../src/server/sign-in-guard.ts';
import { knownSince, purgeOldAddresses, purgeOldStrikes, readStrikes } from '../../src/store/sign-in-strikes.ts';
import { Store } from '../../src/store/store.ts';
import { demoDatabase } from '../helpers.ts';

/**
 * Sign-in fit for principals: a spray from one address is refused without starving others, one
 * account's guesses from many addresses back off without locking its person out, password changes
 * are limited the same way, and an account an administrator made opens only with the password its
 * person chose. The server's clock is the store's, moved by hand: no test sleeps.
 */

let clock = Date.parse('2025-11-27T10:00:00Z');
let app: FastifyInstance;
let store: Store;
let guard: SignInGuard;

type Reply = { status: number; headers: Record<string, unknown>; body: any };

async function send(
  address: string,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
  token?: string,
): Promise<Reply> {
  const answer = await app.inject({
    method,
    url,
    remoteAddress: address,
    ...(payload === undefined ? {} : { payload: payload as object }),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = answer.body;
  return { status: answer.statusCode, headers: answer.headers, body: text ? JSON.parse(text) : null };
}

const login = (address: string, email: string, password: string) =>
  send(address, 'POST', '/api/auth/login', { email, password });

/** A 429 that says when to try again: Retry-After, and a problem+json body with the same wait. */
function assertRetryLater(answer: Reply, reason: RegExp): number {
  assert.equal(answer.status, 429, JSON.stringify(answer.body));
  assert.match(String(answer.headers['content-type']), /^application\/problem\+json/);
  const seconds = Number(answer.headers['retry-after']);
  assert.ok(Number.isInteger(seconds) && seconds >= 1, `Retry-After: ${String(answer.headers['retry-after'])}`);
  assert.equal(answer.body.retryAfter, seconds);
  assert.match(answer.body.detail, reason);
  assert.match(answer.body.detail, /try again in \d+ (seconds?|minutes) \(at \d{4}-\d\d-\d\dT/);
  const wait = Date.parse(answer.body.retryAt) - clock;
  assert.ok(
    wait > (seconds - 1) * 1000 && wait <= seconds * 1000,
    `retryAt is ${wait} ms away, Retry-After ${seconds} s`,
  );
  return seconds;
}

describe('sign-in: throttled per address and per account, with back-off, never a lockout', () => {
  before(async () => {
    store = await Store.open(await demoDatabase(), { now: () => new Date(clock) });
    guard = new SignInGuard({ now: () => clock });
    app = await buildApp({ store, logger: false, signInGuard: guard });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  test('a spray of 200 sign-ins from one address is refused with 429, while a person at another address signs in without waiting behind it', async () => {
    const sprayer = '203.0.113.7';
    const finished: string[] = [];
    // The order in which checks start, by address: the queue's fairness, whatever each answer's
    // own work after its check takes (a session to open, the response checked against its schema).
    const started: string[] = [];
    const run = guard.queue.run.bind(guard.queue);
    guard.queue.run = (address, work, full) =>
      run(
        address,
        () => {
          started.push(address);
          return work();
        },
        full,
      );
    const turn = () => new Promise((next) => setImmediate(next));
    // The spray's first checks are still running when the rest of it, and the person, arrive: here they
    // are checks the test holds until it lets them go, one for each place the queue runs at once.
    const releases: (() => void)[] = [];
    const held = Array.from({ length: guard.queue.concurrency }, () =>
      guard.queue.run(
        sprayer,
        () => new Promise<void>((release) => releases.push(release)),
        () => new Error('full'),
      ),
    );
    const spray = Array.from({ length: 200 }, (_, i) =>
      login(sprayer, `sprayed-${i}@example.org`, 'guess-1').then((answer) => {
        finished.push(`spray ${answer.status}`);
        return answer;
      }),
    );
    // Every spray request was received: the address holds its whole share, the rest was refused.
    while (
      guard.queue.holding(sprayer) < guard.queue.perAddress ||
      finished.length < 200 - guard.queue.perAddress + guard.queue.concurrency
    )
      await turn();
    const person = login('198.51.100.2', 'ua@demo.parley', 'parley-demo').then((answer) => {
      finished.push('person');
      return answer;
    });
    while (guard.queue.holding('198.51.100.2') === 0) await turn();
    // The running checks end: the next turn is the person's, not the spray's next check.
    for (const release of releases) release();
    await Promise.all(held);
    const [answers, mine] = await Promise.all([Promise.all(spray), person]);
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    const hashed = answers.filter((a) => a.status === 401).length;
    const refused = answers.filter((a) => a.status === 429);
    assert.equal(hashed + refused.length, 200, 'every answer is a wrong password or a refusal');
    assert.ok(
      hashed <= guard.queue.perAddress - guard.queue.concurrency,
      `only the address's share of the queue was hashed (${hashed})`,
    );
    for (const answer of refused) assertRetryLater(answer, /from your address/);
    // The person's check was served in turn with the spray's: once the held checks ended, it started
    // before the spray's waiting checks but the one that took the other place beside it.
    guard.queue.run = run;
    const after = started.slice(guard.queue.concurrency);
    assert.ok(
      after.indexOf('198.51.100.2') >= 0 && after.indexOf('198.51.100.2') <= guard.queue.concurrency - 1,
      `the person waited behind the spray: checks started in the order ${after.join(', ')}`,
    );

    // Past the free failures, the address waits; each further failure doubles the wait.
    let answer: Reply;
    do answer = await login(sprayer, `sprayed-again-${clock}@example.org`, 'guess-2');
    while (answer.status === 401);
    const first = assertRetryLater(answer, /too many failed sign-ins from your address/);
    clock += first * 1000;
    assert.equal((await login(sprayer, 'sprayed-after@example.org', 'guess-3')).status, 401, 'the wait is over');
    const second = assertRetryLater(await login(sprayer, 'sprayed-later@example.org', 'guess-4'), /from your address/);
    assert.ok(second > first, `the wait grows: ${first} s, then ${second} s`);
    assert.equal(
      (await login('198.51.100.3', 'ru@demo.parley', 'parley-demo')).status,
      200,
      'other addresses are untouched',
    );
  });

  test("guesses at one account from many addresses back off that account; its person's usual address still signs in, and after the wait the right password works anywhere", async () => {
    const email = 'us@demo.parley';
    // The person signed in from the office before the attack.
    assert.equal((await login('192.0.2.10', email, 'parley-demo')).status, 200);
    const statuses: number[] = [];
    let address = 0;
    for (let i = 0; i < 8; i++) statuses.push((await login(`198.18.0.${++address}`, email, `guess-${i}`)).status);
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401], 'a few failures are free');
    assert.ok(statuses.slice(5).includes(429), `then the account waits: ${statuses.join(' ')}`);

    const elsewhere = await login(`198.18.0.${++address}`, email, 'parley-demo');
    const wait = assertRetryLater(elsewhere, /too many failed sign-ins for this account/);
    assert.equal(
      (await login('192.0.2.10', email, 'parley-demo')).status,
      200,
      'the address the person signed in from before is not held back by guesses made elsewhere',
    );
    assert.equal(
      (await login(`198.18.0.${++address}`, 'uk@demo.parley', 'parley-demo')).status,
      200,
      'other accounts are untouched',
    );

    clock += wait * 1000;
    const after = await login(`198.18.0.${++address}`, email, 'parley-demo');
    assert.equal(
      after.status,
      200,
      `no lockout: after the wait the right password works (${JSON.stringify(after.body)})`,
    );
  });

  test('a wrong current password in a password change counts like a failed sign-in: 429 past a few, and the change works after the wait', async () => {
    const address = '192.0.2.44';
    const signedIn = await login(address, 'fr@demo.parley', 'parley-demo');
    assert.equal(signedIn.status, 200);
    const token = signedIn.body.token as string;
    const change = (currentPassword: string) =>
      send(address, 'POST', '/api/me/password', { currentPassword, newPassword: 'a-new-long-password' }, token);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await change(`guess-${i}`)).status);
    assert.deepEqual(statuses.slice(0, 5), [403, 403, 403, 403, 403]);
    assert.ok(statuses.includes(429), statuses.join(' '));
    const refused = await change('parley-demo');
    const wait = assertRetryLater(refused, /too many failed sign-ins for this account/);
    clock += wait * 1000;
    const changed = await change('parley-demo');
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal((await login(address, 'fr@demo.parley', 'a-new-long-password')).status, 200);
  });

  test('expired sessions are purged at the next sign-in', async () => {
    const old = await login('192.0.2.50', 'de@demo.parley', 'parley-demo');
    assert.equal(old.status, 200);
    const count = async () =>
      Number(
        (
          await store.db
            .selectFrom('sessions')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('expires_at', '<=', new Date(clock).toISOString())
            .executeTakeFirstOrThrow()
        ).n,
      );
    clock += (store.sessionHours + 1) * 3_600_000;
    assert.ok((await count()) > 0, 'sessions have expired');
    assert.equal((await send('192.0.2.50', 'GET', '/api/me', undefined, old.body.token)).status, 401);
    assert.equal((await login('192.0.2.51', 'eu@demo.parley', 'parley-demo')).status, 200);
    assert.equal(await count(), 0, 'the sign-in removed the expired sessions');
  });
});

describe('an account an administrator makes opens only with the password its person chooses', () => {
  before(async () => {
    store = await Store.open(await demoDatabase(), { now: () => new Date(clock) });
    app = await buildApp({ store, logger: false });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  test('the administrator sets no password; no password signs the account in until its person chooses one with the one-time link', async () => {
    const admin = (await login('192.0.2.1', 'admin@demo.parley', 'parley-demo')).body.token as string;
    const withPassword = await send(
      '192.0.2.1',
      'POST',
      '/api/users',
      { email: 'amira@example.org', name: 'Amira Haddad', password: 'admin-knows-this' },
      admin,
    );
    assert.equal(withPassword.status, 400);
    assert.equal(withPassword.body.field, 'body.password');
    assert.match(withPassword.body.detail, /does not choose passwords/);

    const made = await send(
      '192.0.2.1',
      'POST',
      '/api/users',
      { email: 'amira@example.org', name: 'Amira Haddad' },
      admin,
    );
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const { token, link } = made.body.passwordLink as { token: string; link: string };
    assert.match(link, new RegExp(`/set-password/${token}$`));
    // Nothing the administrator knows opens the account: not a guess, not the link's token, not an empty password.
    for (const guess of ['admin-knows-this', 'parley-demo', token, 'x', '!no-password'])
      assert.equal((await login(`192.0.2.${60 + (guess.length % 5)}`, 'amira@example.org', guess)).status, 401, guess);

    const preview = await send('192.0.2.9', 'GET', `/api/password-links/${token}`);
    assert.equal(preview.status, 200);
    assert.deepEqual(
      { email: preview.body.email, name: preview.body.name },
      { email: 'amira@example.org', name: 'Amira Haddad' },
    );
    const short = await send('192.0.2.9', 'POST', '/api/password-links/choose', { token, password: 'short' });
    assert.equal(short.status, 400);
    const chosen = await send('192.0.2.9', 'POST', '/api/password-links/choose', {
      token,
      password: 'amira-chose-this',
    });
    assert.equal(chosen.status, 201, JSON.stringify(chosen.body));
    assert.equal(chosen.body.user.email, 'amira@example.org');
    assert.equal((await send('192.0.2.9', 'GET', '/api/me', undefined, chosen.body.token)).status, 200);
    const again = await send('192.0.2.9', 'POST', '/api/password-links/choose', {
      token,
      password: 'admin-takes-over',
    });
    assert.equal(again.status, 404, 'the link works once');
    assert.equal((await login('192.0.2.9', 'amira@example.org', 'amira-chose-this')).status, 200);
    assert.equal((await login('192.0.2.70', 'amira@example.org', 'admin-takes-over')).status, 401);

    const audit = await store.db
      .selectFrom('audit_events')
      .select(['action', 'after'])
      .where('entity_id', '=', made.body.id)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      audit.map((e) => e.action),
      ['user.create', 'user.password'],
    );
    assert.doesNotMatch(JSON.stringify(audit), /argon2|scrypt|amira-chose-this/, 'the audit holds no password or hash');
  });

  test('a link not used within 7 days expires, and an administrator renews it only until a password is chosen', async () => {
    let admin = (await login('192.0.2.1', 'admin@demo.parley', 'parley-demo')).body.token as string;
    const made = await send(
      '192.0.2.1',
      'POST',
      '/api/users',
      { email: 'late@example.org', name: 'Late Person' },
      admin,
    );
    assert.equal(made.status, 201);
    clock += 7 * 86_400_000 + 1000;
    const late = await send('192.0.2.9', 'POST', '/api/password-links/choose', {
      token: made.body.passwordLink.token,
      password: 'chosen-too-late',
    });
    assert.equal(late.status, 404);
    assert.match(late.body.detail, /unknown, used or expired; ask your administrator/);

    // The administrator (signed in again: a week went by) renews the link: the old one stays dead, the new one works once.
    admin = (await login('192.0.2.1', 'admin@demo.parley', 'parley-demo')).body.token as string;
    const renew = (userId: string, as: string) =>
      send('192.0.2.1', 'POST', `/api/users/${userId}/password-link`, undefined, as);
    const person = (await login('192.0.2.5', 'ua@demo.parley', 'parley-demo')).body.token as string;
    const byOther = await renew(made.body.id, person);
    assert.equal(byOther.status, 403, 'only an administrator renews a link');
    assert.equal((await renew('no-such-account', admin)).status, 404);
    const renewed = await renew(made.body.id, admin);
    assert.equal(renewed.status, 201, JSON.stringify(renewed.body));
    assert.match(renewed.body.link, new RegExp(`/set-password/${renewed.body.token}$`));
    const first = await send('192.0.2.9', 'POST', '/api/password-links/choose', {
      token: made.body.passwordLink.token,
      password: 'chosen-on-the-old-link',
    });
    assert.equal(first.status, 404, 'the old link no longer works');
    const chosen = await send('192.0.2.9', 'POST', '/api/password-links/choose', {
      token: renewed.body.token,
      password: 'chosen-in-time',
    });
    assert.equal(chosen.status, 201, JSON.stringify(chosen.body));
    // Once the person chose a password, no link is made for the account: the administrator would choose one.
    const afterChoice = await renew(made.body.id, admin);
    assert.equal(afterChoice.status, 403);
    assert.match(afterChoice.body.detail, /has chosen a password already/);
    assert.equal((await renew('u-ua', admin)).status, 403, "nor for a demo account's, nor anyone's with a password");
  });
});

describe('behind a reverse proxy', () => {
  test("with the proxy trusted, the limits count each client by the proxy's X-Forwarded-For, not the proxy", async () => {
    const proxiedStore = await Store.open(await demoDatabase(), { now: () => new Date(clock) });
    const proxied = await buildApp({
      store: proxiedStore,
      logger: false,
      trustProxy: ['127.0.0.1'],
    });
    const via = (client: string, email: string, password: string) =>
      proxied.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': client },
        payload: { email, password },
      });
    let answer;
    let tries = 0;
    do answer = await via('203.0.113.99', `guess-${++tries}@example.org`, 'wrong-password');
    while (answer.statusCode === 401);
    assert.equal(answer.statusCode, 429);
    assert.match(answer.json().detail, /from your address/);
    assert.equal((await via('198.51.100.77', 'ua@demo.parley', 'parley-demo')).statusCode, 200);
    await proxied.close();
    await proxiedStore.close();
  });
});

describe('several server processes on one database count failed sign-ins together', () => {
  test('guesses spread over two processes back the account and the address off at both; the wait ends at both; forgotten counts are purged', async () => {
    const location = await demoDatabase();
    const rules = {
      account: { free: 3, firstDelayMs: 60_000, maxDelayMs: 600_000, forgetAfterMs: 3_600_000 },
      address: { free: 6, firstDelayMs: 60_000, maxDelayMs: 600_000, forgetAfterMs: 3_600_000 },
    };
    const opened = await Promise.all(
      [0, 1].map(async () => {
        const own = await Store.open(location, { now: () => new Date(clock) });
        return { store: own, app: await buildApp({ store: own, logger: false, signIn: rules }) };
      }),
    );
    try {
      const at = (i: number, address: string, email: string, password: string) =>
        opened[i % 2]!.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: address,
          payload: { email, password },
        });
      // The person signed in from the office, through the first process, before the guessing.
      assert.equal((await at(0, '192.0.2.10', 'us@demo.parley', 'parley-demo')).statusCode, 200);
      // Four guesses at one account, from four addresses, two at each process: each process alone has
      // seen two (under the three free), together they are past them.
      const guesses = [];
      for (let i = 0; i < 4; i++)
        guesses.push((await at(i, `198.18.1.${i + 1}`, 'us@demo.parley', `guess-${i}`)).statusCode);
      assert.deepEqual(guesses, [401, 401, 401, 401]);
      for (const i of [0, 1]) {
        const answer = await at(i, '198.18.1.50', 'us@demo.parley', 'parley-demo');
        assert.equal(answer.statusCode, 429, `process ${i}: ${answer.body}`);
        assert.match(answer.json().detail, /too many failed sign-ins for this account/);
      }
      assert.equal(
        (await at(0, '198.18.1.51', 'uk@demo.parley', 'parley-demo')).statusCode,
        200,
        'other accounts are untouched',
      );
      for (const i of [0, 1])
        assert.equal(
          (await at(i, '192.0.2.10', 'us@demo.parley', 'parley-demo')).statusCode,
          200,
          `process ${i}: the person's usual address is known to every process, not held back by the guesses`,
        );

      // Seven failures from one address, across accounts, alternating processes: past its six free at both.
      for (let i = 0; i < 7; i++)
        assert.equal((await at(i, '203.0.113.7', `nobody-${i}@example.org`, 'wrong-password')).statusCode, 401);
      for (const i of [0, 1]) {
        const answer = await at(i, '203.0.113.7', 'ua@demo.parley', 'parley-demo');
        assert.equal(answer.statusCode, 429, `process ${i}: ${answer.body}`);
        assert.match(answer.json().detail, /too many failed sign-ins from your address/);
      }

      clock += 60_000;
      assert.equal((await at(1, '198.18.1.52', 'us@demo.parley', 'parley-demo')).statusCode, 200, 'no lockout');
      assert.equal((await at(0, '203.0.113.7', 'ua@demo.parley', 'parley-demo')).statusCode, 200, 'no lockout');

      // An hour and more without a failure, the window passed: the counts are forgotten, then purged.
      const keys = ['account:us@demo.parley', 'address:203.0.113.7'];
      assert.equal((await readStrikes(opened[0]!.store, keys)).size, 2);
      clock += 3_600_000;
      assert.ok((await purgeOldStrikes(opened[0]!.store, clock, 3_600_000)) >= 2);
      assert.equal((await readStrikes(opened[1]!.store, keys)).size, 0);
      // A usual address not signed in from for 30 days is forgotten too.
      assert.notEqual(await knownSince(opened[1]!.store, 'us@demo.parley', '192.0.2.10'), null);
      clock += KNOWN_ADDRESS_MS;
      assert.ok((await purgeOldAddresses(opened[0]!.store, clock, KNOWN_ADDRESS_MS)) >= 1);
      assert.equal(await knownSince(opened[1]!.store, 'us@demo.parley', '192.0.2.10'), null);
    } finally {
      for (const { app: each, store: own } of opened) {
        await each.close();
        await own.close();
      }
    }
  });
});
