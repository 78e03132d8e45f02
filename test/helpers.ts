import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { genevaScenario } from '../src/demo/geneva.ts';
import { loadScenario } from '../src/demo/load.ts';
import { buildApp } from '../src/server/app.ts';
import { undeclaredReads } from '../src/store/read-cache.ts';
import { Store, type StoreOptions } from '../src/store/store.ts';
import { userByEmail } from '../src/store/accounts.ts';
import { createNegotiation } from '../src/store/negotiations.ts';
import { DomainError } from '../src/core/errors.ts';
import { TEXT_LIMITS } from '../src/core/limits.ts';

const cleanups: (() => unknown)[] = [];
// Registered at the top level of the test file's process, so cleanups run once every test has ended
// (an `after` called inside a hook would run as soon as that hook finished).
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  // A cached read that touched a table it does not declare fails the file, even where its error was caught.
  assert.deepEqual(undeclaredReads, [], 'cached reads that touch tables they do not declare');
});

/** A temporary folder removed when the test file ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The engine the store and API tests run on: SQLite, or PostgreSQL when `PARLEY_TEST_ENGINE=postgres`
 * (the test command starts a throwaway server and names it in `PARLEY_TEST_POSTGRES`). The same test
 * files run on both: they are the contract every storage adapter keeps.
 */
export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.PARLEY_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

let databases = 0;

/** The throwaway PostgreSQL server's administrative URL (database `postgres`). */
function postgresServer(): string {
  const url = process.env.PARLEY_TEST_POSTGRES;
  if (!url)
    throw new Error(
      'PARLEY_TEST_ENGINE=postgres needs PARLEY_TEST_POSTGRES, the URL of a PostgreSQL server to create databases on: run the tests with `node scripts/test.js`, which starts one',
    );
  return url;
}

/** Runs one administrative statement on the test server (creating and dropping databases). */
async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresServer() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A new database of the test server, dropped when the test file ends; `template` is copied when given. */
export async function newPostgresDatabase(template?: string): Promise<string> {
  const name = `t${process.pid}_${++databases}_${Math.random().toString(36).slice(2, 8)}`;
  await onServer(`create database ${name}${template ? ` template ${template}` : ''}`);
  cleanups.push(() => onServer(`drop database if exists ${name} with (force)`).catch(() => {}));
  const url = new URL(postgresServer());
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A new, empty database on the engine under test: an SQLite file in a temporary folder, or a new
 * PostgreSQL database. Removed when the test file ends.
 */
export async function freshDatabase(name = 'parley'): Promise<string> {
  if (TEST_ENGINE === 'postgres') return newPostgresDatabase();
  return join(tempDir(), `${name}.db`);
}

let demoTemplate: string | null = null;

/**
 * A fresh database holding the Geneva demo. The demo is loaded once per test file into a template
 * (password hashing is deliberately slow) and copied for each caller (a file copy on SQLite, a
 * database made from a template on PostgreSQL), so tests never share state.
 */
export async function demoDatabase(): Promise<string> {
  if (TEST_ENGINE === 'postgres') {
    if (!demoTemplate) {
      const location = await newPostgresDatabase();
      const store = await Store.open(location);
      await loadScenario(store, genevaScenario);
      await store.close();
      demoTemplate = new URL(location).pathname.slice(1);
    }
    return newPostgresDatabase(demoTemplate);
  }
  if (!demoTemplate || !existsSync(demoTemplate)) {
    const file = join(tempDir(), 'demo-template.db');
    const store = await Store.open(file);
    await loadScenario(store, genevaScenario);
    await store.close();
    demoTemplate = file;
  }
  const copy = join(tempDir(), 'demo.db');
  copyFileSync(demoTemplate, copy);
  return copy;
}

export interface RunningServer {
  url: string;
  store: Store;
  app: FastifyInstance;
}

/** Starts the API over real HTTP on a random port; stopped when the test file ends. */
export async function startServer(
  file: string,
  options: StoreOptions & { bodyLimit?: number } = {},
): Promise<RunningServer> {
  const store = await Store.open(file, options);
  const app = await buildApp({ store, bodyLimit: options.bodyLimit });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
  cleanups.push(async () => {
    await app.close();
    await store.close();
  });
  return { url: `http://127.0.0.1:${address.port}`, store, app };
}

/** Asserts a 400 that names the field at fault and says what is wrong. */
export async function assertRefused(
  answer: Promise<{ status: number; body: any }>,
  field: string,
  detail: RegExp,
): Promise<void> {
  const a = await answer;
  assert.equal(a.status, 400, JSON.stringify(a.body));
  assert.equal(a.body.field, field);
  assert.match(a.body.detail, detail);
}

export interface Answer<T = unknown> {
  status: number;
  contentType: string;
  body: T;
}

/** A small HTTP client for the tests: JSON in, JSON out, the token as a bearer. */
export function client(url: string, token?: string) {
  async function call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    const init: RequestInit = {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(url + path, init);
    const contentType = response.headers.get('content-type') ?? '';
    const textBody = await response.text();
    return {
      status: response.status,
      contentType,
      // NDJSON (a streamed listing) stays text, a JSON object a line.
      body: (contentType.includes('json') && !contentType.includes('ndjson') && textBody
        ? JSON.parse(textBody)
        : textBody) as T,
    };
  }
  return {
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body: unknown, headers?: Record<string, string>) =>
      call<T>('POST', path, body, headers),
    patch: <T = any>(path: string, body: unknown) => call<T>('PATCH', path, body),
    put: <T = any>(path: string, body: unknown) => call<T>('PUT', path, body),
    call,
  };
}

/** A principal's decision on one stage of a rule, bound to the text's content hash: POST …/approvals. */
export function decide(
  as: ReturnType<typeof client>,
  negotiation: string,
  versionId: string,
  decision: {
    ruleId: string;
    stageId: string;
    contentHash: string;
    decision?: 'approve' | 'reject' | 'send_back';
    comment?: string;
  },
) {
  return as.post<any>(`${negotiation}/versions/${versionId}/approvals`, { decision: 'approve', ...decision });
}

/**
 * Creates an account (as the demo's administrator) and seats it as a person is seated over HTTP: the
 * demo's mediator invites it, the party's principal or lead consents (`consentBy`; by default the
 * demo's lead `<party>@demo.parley`), and the person accepts signed in. Returns the new account's id.
 */
export async function seatNewMember(
  url: string,
  negotiation: string,
  person: { email: string; name: string; password: string; partyId: string; role: string; title: string },
  consentBy: { email: string; password?: string } = { email: `${person.partyId}@demo.parley` },
): Promise<string> {
  const admin = await signIn(url, 'admin@demo.parley');
  const made = await admin.post<{ id: string; passwordLink: { token: string } }>('/api/users', {
    email: person.email,
    name: person.name,
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const chosen = await client(url).post('/api/password-links/choose', {
    token: made.body.passwordLink.token,
    password: person.password,
  });
  assert.equal(chosen.status, 201, JSON.stringify(chosen.body));
  const mediator = await signIn(url, 'mediator@demo.parley');
  const invited = await mediator.post(`${negotiation}/members`, {
    email: person.email,
    partyId: person.partyId,
    role: person.role,
    title: person.title,
  });
  assert.equal(invited.status, 201, JSON.stringify(invited.body));
  if (invited.body.proposal?.state === 'open') {
    const lead = await signIn(url, consentBy.email, consentBy.password);
    const consent = await lead.post(`${negotiation}/proposals/${invited.body.proposal.id}/decision`, {
      decision: 'accept',
    });
    assert.equal(consent.status, 200, JSON.stringify(consent.body));
  }
  const self = await signIn(url, person.email, person.password);
  const accepted = await self.post(`/api/me/invitations/${invited.body.invitation.id}/accept`, {});
  assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
  return made.body.id;
}

const tokens = new Map<string, string>();

/** Signs in (once per server and account: password hashing is slow on purpose) and returns a client carrying the token. */
export async function signIn(url: string, email: string, password = 'parley-demo') {
  const known = tokens.get(`${url} ${email} ${password}`);
  if (known) return client(url, known);
  const answer = await client(url).post<{ token: string }>('/api/auth/login', { email, password });
  if (answer.status !== 200)
    throw new Error(`login of ${email} failed with ${answer.status}: ${JSON.stringify(answer.body)}`);
  tokens.set(`${url} ${email} ${password}`, answer.body.token);
  return client(url, answer.body.token);
}

/**
 * A request to a route that may answer with a stream that never ends on its own (the live events):
 * the status and headers, and the body up to the end of the first event (or the whole body, when the
 * answer is not a stream); then the connection is closed.
 */
export async function readStreamStart(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string; text: string }> {
  const stop = new AbortController();
  const answer = await fetch(url, { headers, signal: stop.signal });
  const contentType = answer.headers.get('content-type') ?? '';
  if (!contentType.includes('event-stream')) return { status: answer.status, contentType, text: await answer.text() };
  const reader = answer.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  stop.abort();
  return { status: answer.status, contentType, text };
}

/** One event of a server-sent stream. */
export interface LiveEvent {
  event: string;
  data: string;
}

/**
 * A reader's open live stream (server-sent events): every event received so far, and `next`, which
 * waits (at most `withinMs`) for one that satisfies a test. Resolves once the stream said `ready`.
 */
export async function follow(url: string, token: string, withinMs = 10_000) {
  const stop = new AbortController();
  const answer = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: stop.signal });
  if (answer.status !== 200) throw new Error(`the stream ${url} answered ${answer.status}: ${await answer.text()}`);
  const events: LiveEvent[] = [];
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const each of [...waiters]) each();
  };
  void (async () => {
    const reader = answer.body!.getReader();
    const decoder = new TextDecoder();
    let raw = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        raw += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = raw.indexOf('\n\n')) >= 0) {
          const block = raw.slice(0, cut);
          raw = raw.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          if (event) events.push({ event, data: /^data: (.*)$/m.exec(block)?.[1] ?? '' });
        }
        wake();
      }
    } catch {
      // closed by `close`
    }
    ended = true;
    wake();
  })();
  const next = (test: (e: LiveEvent) => boolean, from = 0) =>
    new Promise<LiveEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no such event within ${withinMs} ms on ${url}; events: ${JSON.stringify(events)}`));
      }, withinMs);
      function check() {
        const found = events.slice(from).find(test);
        if (found || ended) {
          clearTimeout(timer);
          waiters.delete(check);
          if (found) resolve(found);
          else reject(new Error(`the stream ${url} ended; events: ${JSON.stringify(events)}`));
        }
      }
      waiters.add(check);
      check();
    });
  await next((e) => e.event === 'ready');
  return { events, next, close: () => stop.abort() };
}

/** The topics a live `change` event names. */
export const topicsOf = (e: LiveEvent): string[] => (JSON.parse(e.data) as { topics: string[] }).topics;

/** A demo account's context in a negotiation (the Geneva demo by default), as its requests have it. */
export async function contextOf(store: Store, email: string, negotiationId = 'geneva-2025') {
  const user = await userByEmail(store, email);
  assert.ok(user, `no account ${email}`);
  return store.context(user, negotiationId);
}

/**
 * Opens a negotiation with a readable id, convened by `email`, as the operator does with `parley
 * negotiation create --id` (over the API only an administrator names a negotiation).
 */
export async function convene(store: Store, email: string, id: string, title = id, summary = '') {
  const user = await userByEmail(store, email);
  assert.ok(user, `no account ${email}`);
  return createNegotiation(store, user, { id, title, summary }, { operator: true });
}

/** Asserts that a store command is refused as forbidden (403), with a message matching `pattern`. */
export async function assertForbidden(work: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof DomainError, String(error));
    assert.equal(error.kind, 'forbidden', error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

/**
 * Asks for an analysis as `as` (POST …/analyses) and, when the server answers 202 with a job, follows
 * the job until it ends: the answer is then what one request would have answered, 201 with the
 * analysis or the refusal.
 */
export async function analyse(
  as: ReturnType<typeof client>,
  negotiationPath: string,
  body: unknown = {},
): Promise<Answer<any>> {
  const answer = await as.post<any>(`${negotiationPath}/analyses`, body);
  if (answer.status !== 202) return answer;
  let job = answer.body as { jobId: string; state: string; analysisId: string | null; error: string | null };
  while (job.state === 'queued' || job.state === 'running') {
    const next = await as.get<any>(`${negotiationPath}/analysis-jobs/${job.jobId}?wait=10`);
    if (next.status !== 200) return next;
    job = next.body;
  }
  if (job.state === 'failed')
    return { status: 400, contentType: 'application/problem+json', body: { field: 'versionId', detail: job.error } };
  return { ...(await as.get<any>(`${negotiationPath}/analyses/${job.analysisId}`)), status: 201 };
}

/**
 * The largest text a version may hold: TEXT_LIMITS.pointsPerVersion points, their text filling
 * TEXT_LIMITS.versionText, each with a stable id `p-big-<i>`.
 */
export function largestTextPoints() {
  return Array.from({ length: TEXT_LIMITS.pointsPerVersion }, (_, i) => ({
    id: `p-big-${i}`,
    number: i + 1,
    title: `Article ${i + 1}`,
    text: Array.from({ length: 140 }, (_, w) => `word${(i * 7 + w) % 97}`)
      .join(' ')
      .slice(0, TEXT_LIMITS.versionText / TEXT_LIMITS.pointsPerVersion - 20),
    brackets: [] as never[],
    issueIds: [] as string[],
    trackId: null,
  }));
}

/**
 * Asks a server's /api/health again and again, one request after another, until `stop()`, keeping the
 * longest wait under each label `doing(label)` names (what the test is doing meanwhile). `stop()`
 * resolves with them and the longest of all.
 *
 * @example
 * const probe = probeHealth(server.url);
 * probe.doing('export');
 * await exportTheLargestText();
 * const { worst, during } = await probe.stop();
 */
export function probeHealth(url: string) {
  let running = true;
  let label = '';
  let worst = 0;
  const during = new Map<string, number>();
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const at = label;
      await (await fetch(`${url}/api/health`)).text();
      const waited = performance.now() - started;
      worst = Math.max(worst, waited);
      during.set(at, Math.max(during.get(at) ?? 0, waited));
    }
  })();
  return {
    doing(what: string) {
      label = what;
    },
    async stop(): Promise<{ worst: number; during: Map<string, number> }> {
      running = false;
      await loop;
      return { worst, during };
    },
  };
}
