import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { TEXT_LIMITS } from '../../src/core/limits.ts';
import { assertRefused, client, demoDatabase, type RunningServer, signIn, startServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';
type Client = Awaited<ReturnType<typeof signIn>>;

/** A reader's live stream: the topics of every `change` it received, and a wait for one. */
async function follow(url: string, token: string) {
  const stop = new AbortController();
  const answer = await fetch(`${url}${N}/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: stop.signal,
  });
  assert.equal(answer.status, 200);
  const events: { event: string; topics: string[] }[] = [];
  const waiters = new Set<() => void>();
  void (async () => {
    const reader = answer.body!.getReader();
    const decoder = new TextDecoder();
    let raw = '';
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        raw += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = raw.indexOf('\n\n')) >= 0) {
          const block = raw.slice(0, cut);
          raw = raw.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1] ?? '{}';
          if (event) events.push({ event, topics: (JSON.parse(data) as { topics?: string[] }).topics ?? [] });
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // closed
    }
  })();
  const until = (test: (e: { event: string; topics: string[] }) => boolean) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such event; got ${JSON.stringify(events)}`)), 10_000);
      const check = () => {
        if (!events.some(test)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  await until((e) => e.event === 'ready');
  return { events, until, close: () => stop.abort() };
}

/** The mediators' own text of the table, copied from the US draft and sent to every party. */
async function tableText(mediator: Client, label = 'Mediators’ working text'): Promise<{ id: string; points: any[] }> {
  const us = await mediator.get(`${N}/versions/v-us-28`);
  assert.equal(us.status, 200);
  const made = await mediator.post(`${N}/versions`, {
    parentId: null,
    kind: 'draft',
    label,
    authorPartyId: null,
    points: us.body.points.map((p: any) => ({ ...p, brackets: [], issueIds: [] })),
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const sent = await mediator.post(`${N}/versions/${made.body.id}/transmit`, { partyIds: ['ua', 'ru', 'us'] });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  assert.deepEqual(sent.body.heldBack, []);
  return made.body;
}

const point = (version: { points: any[] }, id: string) => version.points.find((p) => p.id === id);
/** A replace change of the words `quote` in a point's text. */
function replace(version: { points: any[] }, pointId: string, quote: string, text: string) {
  const start = point(version, pointId).text.indexOf(quote);
  assert.ok(start >= 0, `"${quote}" is not in ${pointId}`);
  return { kind: 'replace', pointId, field: 'text', start, end: start + quote.length, quote, text };
}

const AMNESTY = 'Full amnesty is granted for all acts committed during the war';
const SECRET = 'Ukraine keeps the Zaporizhzhia plant under its own operators';

describe('amendments: proposed inside a party, tabled by its lead, decided by the pen-holder, consolidated', () => {
  let server: RunningServer;
  let mediator: Client, uaLead: Client, uaMember: Client, russia: Client, us: Client;
  before(async () => {
    server = await startServer(await demoDatabase());
    const as = (who: string) => signIn(server.url, `${who}@demo.parley`);
    [mediator, uaLead, uaMember, russia, us] = [
      await as('mediator'),
      await as('ua'),
      await as('kyslytsya'),
      await as('ru'),
      await as('us'),
    ];
  });

  test('the whole flow; Russia never learns of Ukraine’s untabled amendment', async () => {
    const text = await tableText(mediator);
    const ruStream = await follow(server.url, await tokenOf(server.url, 'ru'));
    const medStream = await follow(server.url, await tokenOf(server.url, 'mediator'));

    // A negotiator of Ukraine proposes; it stays inside Ukraine.
    const amnesty = await uaMember.post(`${N}/versions/${text.id}/amendments`, {
      change: replace(text, 'pt-26', 'Everyone involved in the war receives full amnesty', AMNESTY),
      justification: 'Kyiv insists on language granting full amnesty for actions committed during the war.',
    });
    assert.equal(amnesty.status, 201, JSON.stringify(amnesty.body));
    assert.equal(amnesty.body.state, 'draft');
    assert.equal(amnesty.body.partyName, 'Ukraine');
    const secret = await uaMember.post(`${N}/versions/${text.id}/amendments`, {
      change: replace(text, 'pt-12', point(text, 'pt-12').text.slice(0, 10), SECRET),
      justification: 'internal: not for the table yet',
    });
    assert.equal(secret.status, 201, JSON.stringify(secret.body));
    for (const reader of [russia, mediator, us]) {
      const list = await reader.get(`${N}/versions/${text.id}/amendments`);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body, [], 'no one outside Ukraine sees its drafts');
    }

    // A negotiator may not table; the lead does, to the mediators.
    const refused = await uaMember.post(`${N}/amendments/${amnesty.body.id}/table`, { to: 'mediators' });
    assert.equal(refused.status, 403);
    assert.match(refused.body.detail, /principal or the lead of Ukraine/);
    const tabled = await uaLead.post(`${N}/amendments/${amnesty.body.id}/table`, { to: 'mediators' });
    assert.equal(tabled.status, 200, JSON.stringify(tabled.body));
    assert.equal(tabled.body.tabledTo, 'mediators');
    await medStream.until((e) => e.topics.includes('amendment'));
    const seenByMediator = await mediator.get(`${N}/versions/${text.id}/amendments`);
    assert.deepEqual(
      seenByMediator.body.map((a: any) => a.id),
      [amnesty.body.id],
    );
    assert.deepEqual((await russia.get(`${N}/versions/${text.id}/amendments`)).body, []);

    // Russia may not decide, nor see it to decide; the mediator accepts, once.
    assert.equal(
      (await russia.post(`${N}/amendments/${amnesty.body.id}/decision`, { decision: 'accept' })).status,
      404,
    );
    const accepted = await mediator.post(`${N}/amendments/${amnesty.body.id}/decision`, { decision: 'accept' });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.state, 'accepted');
    await assertRefused(
      mediator.post(`${N}/amendments/${amnesty.body.id}/decision`, { decision: 'reject' }),
      'decision',
      /already accepted/,
    );

    const made = await mediator.post(`${N}/versions/${text.id}/consolidate`, { label: 'Consolidated text' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.parentId, text.id);
    assert.match(point(made.body, 'pt-26').text, new RegExp(`^${AMNESTY}`));

    // The accepted one is consolidated; the untabled draft was carried to the new text, re-anchored.
    // It names the consolidated text only once Ukraine has received it.
    const before = new Map((await uaMember.get(`${N}/amendments`)).body.map((a: any) => [a.id, a]));
    assert.equal((before.get(amnesty.body.id) as any)?.state, 'consolidated');
    assert.equal((before.get(amnesty.body.id) as any)?.consolidatedIn, null);
    assert.equal((await mediator.post(`${N}/versions/${made.body.id}/transmit`, { partyIds: ['ua'] })).status, 200);
    const ukraine = await uaMember.get(`${N}/amendments`);
    const byId = new Map(ukraine.body.map((a: any) => [a.id, a]));
    assert.equal((byId.get(amnesty.body.id) as any)?.consolidatedIn, made.body.id);
    const carried = await server.store.db
      .selectFrom('amendments')
      .selectAll()
      .where('id', '=', secret.body.id)
      .executeTakeFirstOrThrow();
    assert.equal(carried.version_id, made.body.id);
    assert.equal(carried.state, 'draft');
    const attributions = await server.store.db
      .selectFrom('version_attributions')
      .select('data')
      .where('version_id', '=', made.body.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(attributions.data), [
      { pointId: 'pt-26', field: 'text', start: 0, end: AMNESTY.length, amendmentId: amnesty.body.id, partyId: 'ua' },
    ]);

    // Everything Russia reads, and its live stream, carry nothing of Ukraine's untabled amendment.
    await mediator.post(`${N}/versions/${made.body.id}/transmit`, { partyIds: ['ru', 'ua'] });
    await medStream.until((e) => e.topics.includes('versions'));
    for (const path of [
      '/amendments',
      `/versions/${text.id}/amendments`,
      `/versions/${made.body.id}`,
      '/versions',
      '/document',
    ]) {
      const answer = await russia.get(`${N}${path}`);
      const body = JSON.stringify(answer.body);
      assert.ok(!body.includes(SECRET), `${path} tells Russia the untabled words`);
      assert.ok(!body.includes(secret.body.id), `${path} names the untabled amendment`);
      assert.ok(!body.includes('internal: not for the table'), `${path} tells Russia the justification`);
    }
    assert.ok(
      ruStream.events.every((e) => !e.topics.includes('amendment')),
      `Russia's stream heard of amendments: ${JSON.stringify(ruStream.events)}`,
    );
    ruStream.close();
    medStream.close();
  });

  test('tabled to the table, an amendment reaches every party holding the version', async () => {
    const text = await tableText(mediator, 'Second text');
    const proposed = await uaLead.post(`${N}/versions/${text.id}/amendments`, {
      change: { kind: 'deletePoint', pointId: 'pt-27', quote: point(text, 'pt-27').title },
      justification: 'enforcement belongs elsewhere',
    });
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    await uaLead.post(`${N}/amendments/${proposed.body.id}/table`, { to: 'table' });
    const seen = await russia.get(`${N}/versions/${text.id}/amendments`);
    assert.deepEqual(
      seen.body.map((a: any) => [a.partyName, a.state, a.tabledTo]),
      [['Ukraine', 'tabled', 'table']],
    );
  });

  test('bad input gets a 4xx naming the field', async () => {
    const text = await tableText(mediator, 'Third text');
    const pt26 = point(text, 'pt-26');
    const at = `${N}/versions/${text.id}/amendments`;
    await assertRefused(
      uaLead.post(at, {
        change: { kind: 'delete', pointId: 'pt-26', field: 'text', start: 10, end: pt26.text.length + 5, quote: 'x' },
      }),
      'change.end',
      /.+/,
    );
    await assertRefused(
      uaLead.post(at, { change: { ...replace(text, 'pt-26', 'full amnesty', 'x'), quote: 'partial amnesty' } }),
      'change.quote',
      /full amnesty/,
    );
    await assertRefused(
      uaLead.post(at, { change: { kind: 'deletePoint', pointId: 'pt-404', quote: 'x' } }),
      'change.pointId',
      /no point "pt-404"/,
    );
    // Russia may not amend for Ukraine, nor amend a text it does not hold.
    const forUkraine = await russia.post(at, { partyId: 'ua', change: replace(text, 'pt-26', 'full amnesty', 'x') });
    assert.equal(forUkraine.status, 403);

    // Two accepted amendments that overlap: consolidation names both.
    const a = await uaLead.post(at, { change: replace(text, 'pt-26', 'full amnesty', 'an amnesty') });
    const b = await us.post(at, { change: replace(text, 'pt-26', 'amnesty, and no claims', 'pardon') });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    for (const [who, one] of [
      [uaLead, a],
      [us, b],
    ] as const) {
      assert.equal((await who.post(`${N}/amendments/${one.body.id}/table`, { to: 'mediators' })).status, 200);
    }
    const listed = await mediator.get(at);
    assert.equal(
      listed.body.find((x: any) => x.id === a.body.id).conflicts[0].withId,
      b.body.id,
      'flagged before anyone accepts',
    );
    for (const one of [a, b])
      assert.equal(
        (await mediator.post(`${N}/amendments/${one.body.id}/decision`, { decision: 'accept' })).status,
        200,
      );
    const refused = await mediator.post(`${N}/versions/${text.id}/consolidate`, { label: 'x' });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.field, 'accepted');
    assert.match(
      refused.body.detail,
      /Ukraine's amendment to point 26.*United States's amendment to point 26|United States.*Ukraine/,
    );

    // Only the pen-holder consolidates; a withdrawn version takes no amendment.
    assert.equal((await uaLead.post(`${N}/versions/${text.id}/consolidate`, { label: 'x' })).status, 403);
    assert.equal((await mediator.post(`${N}/versions/${text.id}/withdraw`, {})).status, 200);
    await assertRefused(
      uaLead.post(at, { change: replace(text, 'pt-26', 'full amnesty', 'x') }),
      'versionId',
      /withdrawn/,
    );
  });
});

const tokenCache = new Map<string, string>();
async function tokenOf(url: string, who: string): Promise<string> {
  const key = `${url} ${who}`;
  if (!tokenCache.has(key)) {
    const answer = await client(url).post<{ token: string }>('/api/auth/login', {
      email: `${who}@demo.parley`,
      password: 'parley-demo',
    });
    tokenCache.set(key, answer.body.token);
  }
  return tokenCache.get(key)!;
}

describe('the largest consolidation does not hold the server', () => {
  test(`${TEXT_LIMITS.pointsPerVersion} points, ${TEXT_LIMITS.amendmentsPerVersion} accepted amendments`, async () => {
    const server = await startServer(await demoDatabase());
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const points = Array.from({ length: TEXT_LIMITS.pointsPerVersion }, (_, i) => ({
      id: `p-${i}`,
      number: i + 1,
      title: `Point ${i}`,
      text: `${'The parties agree on this clause word by word. '.repeat(20)}`.slice(0, 980),
    }));
    const made = await mediator.post(`${N}/versions`, {
      parentId: null,
      kind: 'draft',
      label: 'Largest text',
      authorPartyId: null,
      points,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body).slice(0, 500));
    // The amendments are written straight into the table: what is measured is the consolidation.
    const rows = Array.from({ length: TEXT_LIMITS.amendmentsPerVersion }, (_, i) => {
      const p = points[i % points.length]!;
      const start = i < points.length ? 4 : 100;
      const quote = p.text.slice(start, start + 7);
      return {
        id: `am-${i}`,
        negotiation_id: 'geneva-2025',
        version_id: made.body.id,
        party_id: 'ua',
        state: 'accepted',
        tabled_to: 'mediators',
        revision: 1,
        created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        data: JSON.stringify({
          change: { kind: 'replace', pointId: p.id, field: 'text', start, end: start + 7, quote, text: 'amended' },
          justification: '',
          createdBy: 'u-ua',
          tabledAt: null,
          decision: { decision: 'accept', note: '', at: '2026-01-01T00:00:00.000Z', proposedChange: null },
          withdrawnAt: null,
          orphanedReason: null,
          consolidatedIn: null,
          carriedFrom: [],
        }),
      };
    });
    for (let i = 0; i < rows.length; i += 100)
      await server.store.db
        .insertInto('amendments')
        .values(rows.slice(i, i + 100))
        .execute();

    let worst = 0;
    let done = false;
    const probe = (async () => {
      const health = client(server.url);
      while (!done) {
        const started = performance.now();
        assert.equal((await health.get('/api/health')).status, 200);
        worst = Math.max(worst, performance.now() - started);
      }
    })();
    const started = performance.now();
    const consolidated = await mediator.post(`${N}/versions/${made.body.id}/consolidate`, {
      label: 'Largest, consolidated',
    });
    const took = performance.now() - started;
    done = true;
    await probe;
    assert.equal(consolidated.status, 201, JSON.stringify(consolidated.body).slice(0, 500));
    assert.equal(consolidated.body.points.length, TEXT_LIMITS.pointsPerVersion);
    console.log(
      `consolidation of ${TEXT_LIMITS.amendmentsPerVersion} amendments over ${TEXT_LIMITS.pointsPerVersion} points: ${took.toFixed(0)} ms; worst /api/health meanwhile ${worst.toFixed(0)} ms`,
    );
  });
});
