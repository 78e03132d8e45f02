import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { client, demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

describe('HTTP API errors: every kind answers problem+json a person can act on', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase(), { bodyLimit: 64 * 1024 });
  });

  function assertProblem(answer: { status: number; contentType: string; body: any }, status: number) {
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.match(answer.contentType, /^application\/problem\+json/);
    assert.equal(answer.body.status, status);
    assert.equal(typeof answer.body.detail, 'string');
    assert.ok(answer.body.detail.length > 10, 'the detail says what was wrong');
    assert.doesNotMatch(JSON.stringify(answer.body), /at .*\.ts:\d+|node_modules/, 'no stack trace reaches the client');
  }

  test('health answers ok without a token', async () => {
    const answer = await client(server.url).get('/api/health');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { status: 'ok' });
  });

  test('malformed JSON gets 400 that says the body is not JSON', async () => {
    const answer = await client(server.url).post('/api/auth/login', '{"email": "ua@demo.parley",');
    assertProblem(answer, 400);
    assert.match(answer.body.detail, /not valid JSON/);
  });

  test('a failed validation gets 400 naming the field', async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const answer = await ua.post(`${N}/positions`, {
      versionId: 'v-us-28',
      pointId: 'pt-21',
      partyId: 'ua',
      stance: 'maybe',
    });
    assertProblem(answer, 400);
    assert.equal(answer.body.field, 'body.stance');
    assert.match(answer.body.detail, /stance/);
  });

  test('a missing or wrong token gets 401 that says how to sign in', async () => {
    assertProblem(await client(server.url).get('/api/negotiations'), 401);
    const wrong = await client(server.url, 'not-a-token').get('/api/negotiations');
    assertProblem(wrong, 401);
    assert.match(wrong.body.detail, /sign in/);
    assertProblem(
      await client(server.url).post('/api/auth/login', { email: 'ua@demo.parley', password: 'wrong-password' }),
      401,
    );
  });

  test('an unknown thing and an invisible thing get the same 404', async () => {
    const ru = await signIn(server.url, 'ru@demo.parley');
    const unknown = await ru.get(`${N}/versions/v-does-not-exist`);
    const invisible = await ru.get(`${N}/versions/v-geneva-19`);
    assertProblem(unknown, 404);
    assertProblem(invisible, 404);
    assert.equal(
      invisible.body.detail.replace('v-geneva-19', 'X'),
      unknown.body.detail.replace('v-does-not-exist', 'X'),
    );
    assertProblem(await ru.get('/api/negotiations/elsewhere'), 404);
    assertProblem(await ru.get('/api/no-such-route'), 404);
  });

  test('a forbidden action gets 403: Russia cannot take a position for Ukraine', async () => {
    const ru = await signIn(server.url, 'ru@demo.parley');
    const answer = await ru.post(`${N}/positions`, {
      versionId: 'v-us-28',
      pointId: 'pt-21',
      partyId: 'ua',
      stance: 'support',
    });
    assertProblem(answer, 403);
    assert.match(answer.body.detail, /only members of Ukraine/);
    assert.doesNotMatch(answer.body.detail, /"ua"/, 'names, never ids');
  });

  test('a stale revision gets 409 and the current state', async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const createdAnswer = await ua.post(`${N}/positions`, {
      versionId: 'v-us-28',
      pointId: 'pt-1',
      partyId: 'ua',
      stance: 'support',
      visibility: 'party',
    });
    const position = createdAnswer.status === 201 ? createdAnswer.body : createdAnswer.body.current;
    const first = await ua.patch(`${N}/positions/${position.id}`, {
      revision: position.revision,
      rationale: 'first edit',
    });
    assert.equal(first.status, 200);
    assert.equal(first.body.revision, position.revision + 1);
    const stale = await ua.patch(`${N}/positions/${position.id}`, {
      revision: position.revision,
      rationale: 'lost edit?',
    });
    assertProblem(stale, 409);
    assert.equal(stale.body.current.rationale, 'first edit');
    assert.equal(stale.body.current.revision, position.revision + 1);
    const kept = (await ua.get(`${N}/positions?version=v-us-28`)).body.find((p: any) => p.id === position.id);
    assert.equal(kept.rationale, 'first edit', 'the stale write changed nothing');
  });

  test('repeated wrong passwords for one account get 429 with Retry-After and a problem that says when to try again', async () => {
    const anonymous = client(server.url);
    const statuses = [];
    for (let attempt = 0; attempt < 8; attempt++)
      statuses.push(
        (await anonymous.post('/api/auth/login', { email: 'de@demo.parley', password: `guess-${attempt}` })).status,
      );
    assert.deepEqual(statuses.slice(0, 5), Array(5).fill(401), 'a few failures are free');
    const limited = await anonymous.post('/api/auth/login', { email: 'de@demo.parley', password: 'parley-demo' });
    assertProblem(limited, 429);
    assert.match(limited.body.detail, /too many failed sign-ins for this account; try again in \d+ seconds? \(at /);
    assert.ok(limited.body.retryAfter >= 1);
  });

  test('a body over the limit gets 413', async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const answer = await ua.post(`${N}/positions`, {
      versionId: 'v-us-28',
      pointId: 'pt-1',
      partyId: 'ua',
      stance: 'support',
      rationale: 'x'.repeat(100 * 1024),
    });
    assertProblem(answer, 413);
  });

  test('no input yields a 500: junk bodies, params and queries on every write route', async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const writes: [string, string][] = [
      ['POST', `${N}/positions`],
      ['PATCH', `${N}/positions/x`],
      ['POST', `${N}/versions`],
      ['POST', `${N}/versions/v-us-28/transmit`],
      ['POST', `${N}/issues`],
      ['POST', `${N}/red-lines`],
      ['PATCH', `${N}/red-lines/rl-ua-donetsk`],
      ['PUT', `${N}/parties/ua/preferences`],
      ['POST', `${N}/rounds`],
      ['PATCH', `${N}/rounds/round-geneva`],
      ['POST', `${N}/statements`],
      ['POST', `${N}/tracks`],
      ['PATCH', `${N}/tracks/track-eu-nato`],
      ['PATCH', `${N}/issues/x`],
      ['POST', `${N}/transmission-rules`],
      ['POST', `${N}/transmission-rules/rule-presidents-before-moscow/changes`],
      ['POST', `${N}/versions/v-geneva-19/approvals`],
      ['PATCH', N],
      ['POST', '/api/negotiations'],
      ['POST', '/api/users'],
      ['POST', `${N}/members`],
      ['POST', `${N}/parties`],
    ];
    const junk: unknown[] = [
      '',
      'null',
      '[]',
      '"text"',
      '{"revision": "1"}',
      '{"revision": -1, "points": "no"}',
      { revision: 1e308, stance: {}, versionId: [] },
      { id: 'x'.repeat(500) },
      { __proto__: { admin: true } },
    ];
    for (const [method, path] of writes) {
      for (const body of junk) {
        const answer = await mediator.call(method, path, body);
        assert.ok(
          answer.status >= 400 && answer.status < 500,
          `${method} ${path} with ${JSON.stringify(body)} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
        );
        assert.match(answer.contentType, /problem\+json/);
      }
    }
    for (const path of [
      `${N}/document?version=`,
      `${N}/document?version=%00`,
      `${N}/versions/%E0%A4%A/compare`,
      `${N}/versions/v-us-28/compare?base=nope`,
      `/api/negotiations/${'z'.repeat(300)}`,
    ]) {
      const answer = await mediator.get(path);
      assert.ok(answer.status >= 400 && answer.status < 500, `GET ${path} answered ${answer.status}`);
    }
  });
});

describe('ids that every JavaScript object has are refused, and records look only at their own entries', () => {
  test('an option named "toString" is refused, and a preference cannot skip a score through one', async () => {
    const server = await startServer(await demoDatabase());
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const issue = await mediator.post(`${N}/issues`, {
      id: 'proto-issue',
      name: 'Proto',
      options: [
        { id: 'toString', label: 'T' },
        { id: 'o2', label: 'O' },
      ],
    });
    assert.equal(issue.status, 400);
    assert.match(issue.body.detail, /reserved/);
    for (const id of ['constructor', '__proto__', 'hasOwnProperty', 'prototype']) {
      const party = await mediator.post(`${N}/parties`, { id, name: 'Proto', shortName: 'P' });
      assert.equal(party.status, 400, id);
    }
  });
});
