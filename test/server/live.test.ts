import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/server/app.ts';
import { LIVE_STREAMS_PER_ACCOUNT } from '../../src/server/live.ts';
import { Store } from '../../src/store/store.ts';
import { client, demoDatabase, follow as followStream, startServer, topicsOf, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

/** A reader's open live stream on the Geneva negotiation. */
const follow = (url: string, token: string) => followStream(`${url}${N}/events`, token, 5000);

describe('live events name only what changed for the reader, by the same policy as every read', () => {
  let server: RunningServer;
  const tokens: Record<string, string> = {};
  before(async () => {
    server = await startServer(await demoDatabase());
    for (const email of ['ua', 'ru', 'mediator', 'medinsky'])
      tokens[email] = (
        await client(server.url).post<any>('/api/auth/login', {
          email: `${email}@demo.parley`,
          password: 'parley-demo',
        })
      ).body.token;
  });

  test("a party's draft is heard by the party's delegates alone, not by other parties or the mediators", async () => {
    const ua = client(server.url, tokens.ua);
    const mediator = client(server.url, tokens.mediator);
    const ruStream = await follow(server.url, tokens.ru!);
    const mediatorStream = await follow(server.url, tokens.mediator!);
    const uaStream = await follow(server.url, tokens.ua!);
    const draft = await ua.post<any>(`${N}/drafts`, {
      baseVersionId: 'v-geneva-19',
      partyId: 'ua',
      label: 'Kyiv text',
    });
    assert.equal(draft.status, 201, JSON.stringify(draft.body));
    await uaStream.next((e) => e.event === 'change' && topicsOf(e).includes('draft'));
    const saved = await ua.put<any>(`${N}/drafts/${draft.body.id}`, {
      revision: 1,
      label: 'Kyiv text, saved',
      summary: '',
      points: draft.body.points,
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const from = uaStream.events.length;
    await uaStream.next((e) => e.event === 'change' && topicsOf(e).includes('draft'), from);

    // A marker every reader hears; nothing of the draft came before it.
    const marker = await mediator.post<any>(`${N}/statements`, {
      speaker: 'A spokesperson',
      date: '2025-11-26',
      quote: 'Drafting continues.',
      stance: 'neutral',
      source: 'https://example.org/briefing',
    });
    assert.equal(marker.status, 201, JSON.stringify(marker.body));
    for (const stream of [ruStream, mediatorStream]) {
      await stream.next((e) => e.event === 'change' && topicsOf(e).includes('statements'));
      const heard = stream.events.filter((e) => e.event === 'change').flatMap(topicsOf);
      assert.ok(!heard.includes('draft'), `heard of the draft: ${heard.join(', ')}`);
    }
    for (const stream of [ruStream, mediatorStream, uaStream]) stream.close();
  });

  test("a party's private change reaches no other stream; shared with the mediators, it reaches theirs alone", async () => {
    const ua = client(server.url, tokens.ua);
    const mediator = client(server.url, tokens.mediator);
    const ruStream = await follow(server.url, tokens.ru!);
    const mediatorStream = await follow(server.url, tokens.mediator!);
    const uaStream = await follow(server.url, tokens.ua!);

    const mine = (await ua.get<any[]>(`${N}/positions?version=v-geneva-19`)).body.find(
      (p) => p.partyId === 'ua' && p.visibility === 'party',
    );
    assert.ok(mine, 'the demo has a Ukrainian position kept in the party');
    const kept = await ua.patch<any>(`${N}/positions/${mine.id}`, {
      revision: mine.revision,
      rationale: 'kept inside',
    });
    assert.equal(kept.status, 200);
    // Ukraine's own stream says so: the change is real, and the hub has looked.
    await uaStream.next((e) => e.event === 'change' && topicsOf(e).includes('positions'));

    const shared = await ua.patch<any>(`${N}/positions/${mine.id}`, {
      revision: kept.body.revision,
      visibility: 'mediator',
    });
    assert.equal(shared.status, 200);
    await mediatorStream.next((e) => e.event === 'change' && topicsOf(e).includes('positions'));

    // A marker every reader sees: a public statement. Russia's first change must be this one.
    const marker = await mediator.post<any>(`${N}/statements`, {
      speaker: 'A spokesperson',
      date: '2025-11-26',
      quote: 'Talks continue.',
      stance: 'neutral',
      source: 'https://example.org/briefing',
    });
    assert.equal(marker.status, 201, JSON.stringify(marker.body));
    const first = await ruStream.next((e) => e.event === 'change');
    assert.deepEqual(topicsOf(first), ['statements'], 'Russia heard of nothing but the statement');
    assert.equal(ruStream.events.filter((e) => e.event === 'change').length, 1);
    for (const e of [...ruStream.events, ...mediatorStream.events])
      assert.deepEqual(
        Object.keys(JSON.parse(e.data)).filter((k) => k !== 'topics'),
        [],
        'an event carries no content',
      );
    for (const stream of [ruStream, mediatorStream, uaStream]) stream.close();
  });

  test('a member who loses the seat gets `ended`, and the stream closes', async () => {
    const mediator = client(server.url, tokens.mediator);
    const stream = await follow(server.url, tokens.medinsky!);
    const members = (await mediator.get<any[]>(`${N}/members`)).body;
    const seat = members.find((m) => m.email === 'medinsky@demo.parley');
    // Russia's delegation is Russia's: its lead removes the seat.
    const removed = await client(server.url, tokens.ru).call('DELETE', `${N}/members/${seat.id}`);
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    await stream.next((e) => e.event === 'ended');
    const again = await fetch(`${server.url}${N}/events`, { headers: { authorization: `Bearer ${tokens.medinsky}` } });
    assert.equal(again.status, 404, 'and cannot open another');
  });

  test('signing out ends the stream of that session', async () => {
    const login = await client(server.url).post<any>('/api/auth/login', {
      email: 'ru@demo.parley',
      password: 'parley-demo',
    });
    const stream = await follow(server.url, login.body.token);
    const out = await client(server.url, login.body.token).post('/api/auth/logout', undefined);
    assert.equal(out.status, 204);
    await stream.next((e) => e.event === 'ended');
  });

  test('without a session, or outside the negotiation, there is no stream', async () => {
    const none = await fetch(`${server.url}${N}/events`);
    assert.equal(none.status, 401);
    const other = await fetch(`${server.url}/api/negotiations/not-a-negotiation/events`, {
      headers: { authorization: `Bearer ${tokens.ua}` },
    });
    assert.equal(other.status, 404);
  });
});

describe('live streams are bounded: no account, and no number of streams, stalls the server', () => {
  let server: RunningServer;
  /** How many reads the hub has made as its subscribers (each look runs the topics' reads). */
  let reads = 0;
  const tokens: Record<string, string> = {};
  const emails = ['ua', 'ru', 'us', 'eu', 'fr', 'de', 'uk', 'umerov', 'witkoff', 'medinsky'];
  before(async () => {
    server = await startServer(await demoDatabase());
    const inject = server.app.inject.bind(server.app) as (options: unknown) => Promise<unknown>;
    (server.app as unknown as { inject: typeof inject }).inject = (options) => {
      reads++;
      return inject(options);
    };
    for (const email of [...emails, 'mediator'])
      tokens[email] = (
        await client(server.url).post<any>('/api/auth/login', {
          email: `${email}@demo.parley`,
          password: 'parley-demo',
        })
      ).body.token;
  });
  const statement = (i: number | string) =>
    client(server.url, tokens.mediator).post<any>(`${N}/statements`, {
      speaker: 'A spokesperson',
      date: '2025-11-26',
      quote: `Talks continue (${i}).`,
      stance: 'neutral',
      source: 'https://example.org/briefing',
    });
  /** The reads the hub makes after one write, once it has looked (measured on `watcher`'s stream). */
  const readsOfOneWrite = async (watcher: Awaited<ReturnType<typeof follow>>) => {
    const from = watcher.events.length;
    reads = 0;
    assert.equal((await statement(`count ${Math.random()}`)).status, 201);
    await watcher.next((e) => e.event === 'change', from);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return reads;
  };

  test('a stream closed while it opens is forgotten: later writes cost it nothing', async () => {
    const watcher = await follow(server.url, tokens.ru!);
    const alone = await readsOfOneWrite(watcher);
    // Streams of Ukraine's lead, each dropped at a different moment of its opening.
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const stop = new AbortController();
        setTimeout(() => stop.abort(), 5 + i * 6);
        await fetch(`${server.url}${N}/events`, {
          headers: { authorization: `Bearer ${tokens.ua}` },
          signal: stop.signal,
        }).catch(() => undefined);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await readsOfOneWrite(watcher);
    assert.equal(after, alone, 'no dropped stream is looked at');
    watcher.close();
  });

  test('the streams of one session share one look', async () => {
    const watcher = await follow(server.url, tokens.eu!);
    const alone = await readsOfOneWrite(watcher);
    const more = await Promise.all(Array.from({ length: 4 }, () => follow(server.url, tokens.eu!)));
    assert.equal(await readsOfOneWrite(watcher), alone, 'five tabs of one session cost what one does');
    for (const stream of [watcher, ...more]) stream.close();
  });

  test('an account holds a bounded number of streams; one more is refused with a sentence', async () => {
    const open = [];
    for (let i = 0; i < LIVE_STREAMS_PER_ACCOUNT; i++) open.push(await follow(server.url, tokens.fr!));
    const refused = await fetch(`${server.url}${N}/events`, { headers: { authorization: `Bearer ${tokens.fr}` } });
    assert.equal(refused.status, 429);
    assert.match(((await refused.json()) as { detail: string }).detail, /close/);
    open.pop()!.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await follow(server.url, tokens.fr!);
    for (const stream of [...open, again]) stream.close();
  });

  test('fifty streams and a burst of writes leave the server answering', async () => {
    const streams = [];
    for (const email of emails) for (let i = 0; i < 5; i++) streams.push(await follow(server.url, tokens[email]!));
    const slowest = { ms: 0 };
    let measuring = true;
    const measure = (async () => {
      while (measuring) {
        const start = performance.now();
        await fetch(`${server.url}/api/health`);
        slowest.ms = Math.max(slowest.ms, performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const marks = streams.map((s) => s.events.length);
    for (let i = 0; i < 20; i++) assert.equal((await statement(i)).status, 201);
    await Promise.all(streams.map((s, i) => s.next((e) => e.event === 'change', marks[i])));
    measuring = false;
    await measure;
    assert.ok(slowest.ms < 1000, `the server took ${Math.round(slowest.ms)} ms to answer while it looked`);
    for (const stream of streams) stream.close();
  });

  test('HEAD of the stream answers its headers and ends', async () => {
    const answer = await fetch(`${server.url}${N}/events`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${tokens.ua}` },
      signal: AbortSignal.timeout(3000),
    });
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /text\/event-stream/);
  });
});

describe('a stream ends with its session, even when nothing is written', () => {
  test('an expired session gets `ended`', async () => {
    const store = await Store.open(await demoDatabase(), { sessionHours: 1.5 / 3600 });
    const app = await buildApp({ store, logger: false, liveHeartbeatMs: 200 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as AddressInfo;
    const url = `http://127.0.0.1:${address.port}`;
    try {
      const login = await client(url).post<any>('/api/auth/login', {
        email: 'ru@demo.parley',
        password: 'parley-demo',
      });
      const stream = await follow(url, login.body.token);
      await stream.next((e) => e.event === 'ended');
    } finally {
      await app.close();
      await store.close();
    }
  });
});
