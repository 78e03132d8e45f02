import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { client, demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

/** Signs the browser in: the session cookie (name=value) and the CSRF token the answer gives. */
async function browserSignIn(url: string, email: string) {
  const answer = await fetch(`${url}/api/auth/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'parley-demo' }),
  });
  assert.equal(answer.status, 200);
  const setCookie = answer.headers.get('set-cookie') ?? '';
  const body = (await answer.json()) as { csrfToken: string; user: { email: string }; token?: string };
  return { setCookie, cookie: setCookie.split(';')[0]!, csrfToken: body.csrfToken, body };
}

/** A change of Ukraine's lead with the browser's cookie: a rename of the negotiation is refused to leads, so use a position. */
async function positionPatch(url: string, headers: Record<string, string>) {
  const ua = await signIn(url, 'ua@demo.parley');
  const positions = (await ua.get<any[]>(`${N}/positions?version=v-geneva-19`)).body;
  const mine = positions.find((p) => p.partyId === 'ua' && p.visibility === 'party')!;
  const answer = await fetch(`${url}${N}/positions/${mine.id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ revision: mine.revision, rationale: `changed at ${Date.now()}` }),
  });
  const after = (await ua.get<any[]>(`${N}/positions?version=v-geneva-19`)).body.find((p) => p.id === mine.id);
  return {
    status: answer.status,
    body: (await answer.json()) as { detail?: string },
    changed: after.revision !== mine.revision,
  };
}

describe("the browser's session: an HttpOnly cookie, and a CSRF token on every change", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  test('signing in the browser sets an HttpOnly, SameSite=Strict cookie and never shows the token to the page', async () => {
    const { setCookie, body } = await browserSignIn(server.url, 'ua@demo.parley');
    assert.match(setCookie, /^parley_session=[^;]+;/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.match(setCookie, /Path=\//);
    assert.doesNotMatch(setCookie, /Secure/, 'plain HTTP on loopback: a Secure cookie would never come back');
    assert.equal(body.token, undefined, 'the answer carries no token the page could read');
    assert.equal(body.user.email, 'ua@demo.parley');
  });

  test('over TLS (as a proxy says) the cookie is Secure', async () => {
    const answer = await fetch(`${server.url}/api/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ email: 'ua@demo.parley', password: 'parley-demo' }),
    });
    assert.match(answer.headers.get('set-cookie') ?? '', /Secure/);
  });

  test('a wrong password sets no cookie', async () => {
    const answer = await fetch(`${server.url}/api/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ua@demo.parley', password: 'wrong-password' }),
    });
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.get('set-cookie'), null);
  });

  test('the cookie reads without a CSRF token, and GET /api/auth/session gives the token again after a reload', async () => {
    const { cookie, csrfToken } = await browserSignIn(server.url, 'ua@demo.parley');
    const read = await fetch(`${server.url}${N}/seat`, { headers: { cookie } });
    assert.equal(read.status, 200);
    const session = (await (await fetch(`${server.url}/api/auth/session`, { headers: { cookie } })).json()) as any;
    assert.equal(session.csrfToken, csrfToken);
    assert.equal(session.user.email, 'ua@demo.parley');
  });

  test('a change with the cookie but without the CSRF token, or with a wrong one, is refused and changes nothing', async () => {
    const { cookie } = await browserSignIn(server.url, 'ua@demo.parley');
    const bare = await positionPatch(server.url, { cookie });
    assert.equal(bare.status, 403);
    assert.match(bare.body.detail!, /x-csrf-token/);
    assert.equal(bare.changed, false);
    const wrong = await positionPatch(server.url, { cookie, 'x-csrf-token': 'x'.repeat(43) });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.changed, false);
  });

  test("one session's CSRF token does not work with another session's cookie", async () => {
    const first = await browserSignIn(server.url, 'ua@demo.parley');
    const second = await browserSignIn(server.url, 'ua@demo.parley');
    assert.notEqual(first.csrfToken, second.csrfToken);
    const crossed = await positionPatch(server.url, { cookie: second.cookie, 'x-csrf-token': first.csrfToken });
    assert.equal(crossed.status, 403);
    assert.equal(crossed.changed, false);
  });

  test('a change with the cookie and its token from a page of another origin is refused', async () => {
    const { cookie, csrfToken } = await browserSignIn(server.url, 'ua@demo.parley');
    const foreign = await positionPatch(server.url, {
      cookie,
      'x-csrf-token': csrfToken,
      origin: 'http://evil.example',
    });
    assert.equal(foreign.status, 403);
    assert.match(foreign.body.detail!, /evil\.example/);
    assert.equal(foreign.changed, false);
  });

  test("a change with the cookie and its token from Parley's own page goes through", async () => {
    const { cookie, csrfToken } = await browserSignIn(server.url, 'ua@demo.parley');
    const own = await positionPatch(server.url, {
      cookie,
      'x-csrf-token': csrfToken,
      origin: server.url,
    });
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.equal(own.changed, true);
  });

  test('bearer clients need no CSRF token, and a bad Authorization header is not rescued by a cookie', async () => {
    const login = await client(server.url).post<any>('/api/auth/login', {
      email: 'ua@demo.parley',
      password: 'parley-demo',
    });
    const bearer = await positionPatch(server.url, { authorization: `Bearer ${login.body.token}` });
    assert.equal(bearer.status, 200, JSON.stringify(bearer.body));
    assert.equal(bearer.changed, true);
    const { cookie } = await browserSignIn(server.url, 'ua@demo.parley');
    const mixed = await fetch(`${server.url}${N}/seat`, { headers: { cookie, authorization: 'Bearer not-a-token' } });
    assert.equal(mixed.status, 401);
  });

  test('signing out with the cookie ends the session and clears the cookie', async () => {
    const { cookie, csrfToken } = await browserSignIn(server.url, 'ru@demo.parley');
    const out = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /parley_session=;.*Expires=Thu, 01 Jan 1970/);
    const after = await fetch(`${server.url}${N}/seat`, { headers: { cookie } });
    assert.equal(after.status, 401);
    assert.match(((await after.json()) as any).detail, /session has ended/);
  });

  test('signing out needs the CSRF token too: another site cannot sign a person out', async () => {
    const { cookie } = await browserSignIn(server.url, 'ru@demo.parley');
    const out = await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie } });
    assert.equal(out.status, 403);
    assert.equal((await fetch(`${server.url}${N}/seat`, { headers: { cookie } })).status, 200);
  });

  test('the seat says through whose eyes a reader reads', async () => {
    const ru = await client(server.url).post<any>('/api/auth/login', {
      email: 'ru@demo.parley',
      password: 'parley-demo',
    });
    const seat = await client(server.url, ru.body.token).get<any>(`${N}/seat`);
    assert.equal(seat.body.party.id, 'ru');
    assert.equal(seat.body.isMediator, false);
    assert.deepEqual(seat.body.partyIds, ['ru']);
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const theirs = await mediator.get<any>(`${N}/seat`);
    assert.equal(theirs.body.isMediator, true);
    assert.equal(theirs.body.party, null);
  });
});
