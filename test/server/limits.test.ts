import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { before, describe, test } from 'node:test';
import { demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

/** Words that two texts do not share, so that a word diff has the most to do. */
function words(seed: number, length: number): string {
  let state = seed;
  let out = '';
  while (out.length < length) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += `w${(state % 1_000_000).toString(36)} `;
  }
  return out.slice(0, length);
}

/** Runs `work` while measuring how long the event loop was ever held, in milliseconds. */
async function longestBlock(work: () => Promise<void>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  try {
    await work();
  } finally {
    histogram.disable();
  }
  return histogram.max / 1e6;
}

describe('no request holds the server: parsers are linear, sizes bounded, diffs budgeted', () => {
  let server: RunningServer;
  let ua: Awaited<ReturnType<typeof signIn>>;
  before(async () => {
    server = await startServer(await demoDatabase());
    ua = await signIn(server.url, 'ua@demo.parley');
  });

  const draft = (label: string, texts: string[]) => ({
    parentId: null,
    kind: 'draft',
    label,
    authorPartyId: 'ua',
    points: texts.map((text, i) => ({ id: `p${i}`, title: `Point ${i + 1}`, text })),
  });

  test('a text of opening brackets at the size limits is answered at once, and health never waits', async () => {
    const brackets = `[[${'['.repeat(19_998)}`;
    let health = 0;
    const blocked = await longestBlock(async () => {
      const pending = [
        ua.post(`${N}/versions`, draft('Brackets', Array(20).fill(brackets))),
        ua.post(`${N}/versions`, draft('Too many', Array(50).fill(brackets))),
      ];
      const probe = (async () => {
        const t = performance.now();
        assert.equal((await fetch(`${server.url}/api/health`)).status, 200);
        health = performance.now() - t;
      })();
      const [atLimit, over] = await Promise.all(pending);
      await probe;
      assert.ok([201, 400].includes(atLimit!.status), `at the limits: ${atLimit!.status}`);
      assert.equal(over!.status, 400, 'fifty such points exceed the text a version may hold');
      assert.match(over!.body.detail, /500,000 characters/, 'the refusal names the limit');
    });
    assert.ok(blocked < 1000, `the event loop was blocked for ${blocked.toFixed(0)} ms (the quadratic scan took 30 s)`);
    assert.ok(health < 1000, `health waited ${health.toFixed(0)} ms`);
  });

  test('comparing two long versions of different words is answered within the budget, off the event loop, and marked coarse', async () => {
    const a = await ua.post(
      `${N}/versions`,
      draft(
        'Long A',
        Array.from({ length: 20 }, (_, i) => words(i + 1, 20_000)),
      ),
    );
    assert.equal(a.status, 201, JSON.stringify(a.body).slice(0, 300));
    const b = await ua.post(`${N}/versions`, {
      ...draft(
        'Long B',
        Array.from({ length: 20 }, (_, i) => words(i + 100, 20_000)),
      ),
      parentId: a.body.id,
      kind: 'proposal',
    });
    assert.equal(b.status, 201, JSON.stringify(b.body).slice(0, 300));
    let first: any;
    const blocked = await longestBlock(async () => {
      first = await ua.get(`${N}/versions/${b.body.id}/compare`);
      for (let i = 0; i < 5; i++) assert.equal((await ua.get(`${N}/versions/${b.body.id}/compare`)).status, 200);
    });
    assert.equal(first.status, 200);
    assert.ok(
      blocked < 1000,
      `the event loop was blocked for ${blocked.toFixed(0)} ms (the unbounded word diff took 64 s)`,
    );
    const { comparison } = first.body;
    assert.ok(comparison.coarse, 'the answer says that some changes are shown coarser than word by word');
    assert.ok(comparison.coarse.pointIds.length > 0 && /budget/.test(comparison.coarse.reason));
    for (const point of comparison.points) {
      const before = point.words
        .filter((w: any) => w.kind !== 'added')
        .map((w: any) => w.text)
        .join('');
      const after = point.words
        .filter((w: any) => w.kind !== 'removed')
        .map((w: any) => w.text)
        .join('');
      assert.equal(
        before,
        words(Number(point.pointId.slice(1)) + 1, 20_000),
        `${point.pointId}: the changes rebuild the base text`,
      );
      assert.equal(after, words(Number(point.pointId.slice(1)) + 100, 20_000), `${point.pointId}: and the proposal`);
    }
  });

  test('a small edit in a long text is still marked word by word', async () => {
    const base = words(7, 19_000);
    const a = await ua.post(`${N}/versions`, draft('Edit A', [base]));
    const cut = base.indexOf(' ', 10_000) + 1;
    const edited = `${base.slice(0, cut)}NEW ${base.slice(cut)}`;
    const b = await ua.post(`${N}/versions`, { ...draft('Edit B', [edited]), parentId: a.body.id, kind: 'proposal' });
    assert.equal(b.status, 201, JSON.stringify(b.body).slice(0, 300));
    const answer = await ua.get(`${N}/versions/${b.body.id}/compare`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body).slice(0, 400));
    const { comparison } = answer.body;
    assert.equal(comparison.coarse, null);
    assert.deepEqual(
      comparison.points[0].words.filter((w: any) => w.kind !== 'same').map((w: any) => w.kind),
      ['added'],
    );
  });

  test('a body over the limit gets 413 naming the limit; a point over its limit gets 400 naming the field', async () => {
    const huge = await ua.post(`${N}/versions`, draft('Huge', ['x'.repeat(1_100_000)]));
    assert.equal(huge.status, 413);
    assert.match(huge.body.detail, /1,048,576 bytes/);
    const long = await ua.post(`${N}/versions`, draft('Long point', ['x'.repeat(20_001)]));
    assert.equal(long.status, 400);
    assert.equal(long.body.field, 'body.points.0.text');
  });

  test("ids longer than any route accepts get a problem that names the limit, never the framework's own answer", async () => {
    for (const length of [101, 200, 301, 2000]) {
      const answer = await ua.get(`${N}/versions/${'v'.repeat(length)}`);
      assert.ok([400, 414].includes(answer.status), `${length}: ${answer.status}`);
      assert.match(answer.contentType, /problem\+json/);
      assert.match(answer.body.detail, /100/);
    }
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const made = await mediator.post(`${N}/issues`, {
      id: 'i'.repeat(101),
      name: 'Long id',
      options: [
        { id: 'a', label: 'A' },
        { id: 'b', label: 'B' },
      ],
    });
    assert.equal(made.status, 400, 'an id no route could reach is refused when it is made');
    assert.equal(made.body.field, 'body.id');
  });
});
