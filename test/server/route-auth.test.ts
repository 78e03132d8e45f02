import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { client, demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

/** A route's pattern with its parameters filled with ids of the demo. */
function concrete(url: string): string {
  return url
    .replace(':id', 'geneva-2025')
    .replace(':itemId', 'v-geneva-19')
    .replace(':changeId', 'c1')
    .replace('*', 'index.html');
}

/** Ways to spell the same path that a URL-based check would miss. */
function spellings(path: string): string[] {
  const encoded = path.replace('/api/', '/%61pi/');
  const upper = path.replace('/api/', '/API/');
  return [
    path,
    encoded,
    path.replace('/api/', '/api//'),
    `/${path}`,
    upper,
    `${path}/`,
    path.replace('/negotiations', '/%6Eegotiations'),
    `${path}?x=/api/health`,
    `${path}#/api/health`,
  ];
}

describe('authentication is decided by the route, not by the URL', () => {
  let server: RunningServer;
  let expired: string;
  let revoked: string;
  before(async () => {
    const file = await demoDatabase();
    server = await startServer(file, { sessionHours: 1 / 3600 / 2 });
    const login = async () =>
      (
        (await fetch(`${server.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'ru@demo.parley', password: 'parley-demo' }),
        }).then((r) => r.json())) as { token: string }
      ).token;
    expired = await login();
    revoked = await login();
    await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${revoked}` } });
    await new Promise((resolve) => setTimeout(resolve, 700));
  });

  test('the percent-encoded path of the finding is refused without a token, with no server error', async () => {
    const answer = await fetch(`${server.url}/%61pi/negotiations/geneva-2025/preferences`);
    assert.ok([401, 404].includes(answer.status), `answered ${answer.status}`);
    assert.match(answer.headers.get('content-type') ?? '', /problem\+json/);
  });

  test('every non-public route, however spelled, answers 401 or 404 to no token, an expired and a revoked token', async () => {
    const routes = server.app.routeTable.filter((r) => r.method !== 'HEAD' && !r.public);
    assert.ok(routes.length > 40, `the route table holds ${routes.length} protected routes`);
    let requests = 0;
    for (const route of routes) {
      for (const path of spellings(concrete(route.url))) {
        for (const token of [null, expired, revoked, 'not-a-token']) {
          const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
          const body = route.method === 'GET' ? undefined : '{}';
          if (body) headers['content-type'] = 'application/json';
          const answer = await fetch(`${server.url}${path}`, { method: route.method, headers, body });
          requests++;
          assert.ok(
            [401, 404].includes(answer.status),
            `${route.method} ${path} with ${token ? 'a bad token' : 'no token'} answered ${answer.status}`,
          );
          assert.match(answer.headers.get('content-type') ?? '', /problem\+json/, `${route.method} ${path}`);
          await answer.arrayBuffer();
        }
      }
    }
    console.log(
      `route authentication: ${routes.length} routes × 9 spellings × 4 readers = ${requests} requests, all refused`,
    );
  });

  test('public routes are exactly the declared ones', () => {
    const open = server.app.routeTable
      .filter((r) => r.method !== 'HEAD' && r.public)
      .map((r) => `${r.method} ${r.url}`);
    const declared = [
      'GET /',
      'GET /*',
      'POST /api/auth/session',
      'GET /api/health',
      // The public half of the audit key: anyone verifies checkpoints and receipts with it.
      'GET /api/audit/key',
      'POST /api/auth/login',
      'GET /api/invitations/:token',
      'POST /api/invitations/accept',
      'GET /api/password-links/:token',
      'POST /api/password-links/choose',
      'GET /api/openapi.json',
    ];
    for (const route of open) assert.ok(declared.includes(route) || route.startsWith('GET /api/docs'), route);
  });
});

describe('answers carry security headers, confidential ones are not cached, errors are logged', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  test('an API answer forbids framing, sniffing, referrers and caching, and sets a content security policy', async () => {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ua@demo.parley', password: 'parley-demo' }),
    });
    const { token } = (await login.json()) as { token: string };
    for (const path of [`${N}/preferences`, '/api/health', '/api/nope']) {
      const answer = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (path.endsWith('preferences')) assert.equal(answer.status, 200, 'a confidential answer');
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(answer.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(answer.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(answer.headers.get('cache-control'), 'no-store', path);
      assert.match(answer.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
    }
    const landing = await fetch(`${server.url}/`);
    assert.match(landing.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  });

  test('a lone surrogate is refused in any field, never stored altered', async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const body = '{"name":"Grain \\ud800 corridor","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]}';
    const answer = await mediator.post(`${N}/issues`, body);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.field, 'name');
    assert.match(answer.body.detail, /lone surrogate/);
    const nested = await mediator.post(
      `${N}/issues`,
      '{"name":"Grain","options":[{"id":"a","label":"A"},{"id":"b","label":"\\udc00B"}]}',
    );
    assert.equal(nested.status, 400);
    assert.equal(nested.body.field, 'options[1].label');
    const paired = await mediator.post(
      `${N}/issues`,
      '{"name":"Grain \\ud83c\\udf3e","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]}',
    );
    assert.equal(paired.status, 201, 'a surrogate pair (an emoji) is fine');
    assert.equal(paired.body.name, 'Grain 🌾');
  });
});

describe('the OpenAPI document says what each operation does and who may call it', () => {
  test('every operation has a summary and a description, and the limits are stated', async () => {
    const server = await startServer(await demoDatabase());
    const doc = (await client(server.url).get('/api/openapi.json')).body;
    let operations = 0;
    for (const [path, methods] of Object.entries<Record<string, { summary?: string; description?: string }>>(
      doc.paths,
    )) {
      for (const [method, operation] of Object.entries(methods)) {
        operations++;
        assert.ok(operation.summary, `${method.toUpperCase()} ${path} has a summary`);
        assert.ok(operation.description, `${method.toUpperCase()} ${path} says who may call it`);
      }
    }
    assert.ok(operations > 50, `${operations} operations`);
    assert.match(doc.info.description, /1,048,576 bytes/);
    assert.match(doc.info.description, /500 points/);
  });

  test('every field with a syntax (ids, dates, e-mail addresses, the bracket placeholder) shows an example', async () => {
    const server = await startServer(await demoDatabase());
    const doc = (await client(server.url).get('/api/openapi.json')).body;
    const missing: string[] = [];
    const counts = { ids: 0, dates: 0, emails: 0 };
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      const schema = node as { pattern?: string; description?: string; example?: unknown; examples?: unknown };
      const described = typeof schema.description === 'string' ? schema.description : '';
      const kind = schema.pattern
        ? 'ids'
        : /^An ISO-8601 date/.test(described)
          ? 'dates'
          : /e-mail/i.test(described) && (node as { type?: string }).type === 'string'
            ? 'emails'
            : null;
      if (kind) {
        counts[kind]++;
        if (schema.example === undefined && schema.examples === undefined) missing.push(path);
      }
      for (const [key, value] of Object.entries(node)) walk(value, `${path}/${key}`);
    };
    walk(doc, '');
    assert.deepEqual(missing, [], 'fields with a syntax but no example');
    assert.ok(counts.ids > 100 && counts.dates > 5 && counts.emails > 0, JSON.stringify(counts));
    assert.match(doc.components.schemas.Point.properties.text.example, /\[\[br-[a-z-]+\]\]/);
  });
});
