import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analysisJobs } from '../../src/store/analysis-jobs.ts';
import { analysisQueue } from '../../src/store/analyses.ts';
import { demoDatabase, signIn, startServer, TEST_ENGINE } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

// On PostgreSQL the analyses wait in the database's queue instead (analysis-jobs.test.ts).
describe(
  'analyses are limited per account and per server: queued beyond, 429 with Retry-After when the queue is full',
  {
    skip: TEST_ENGINE === 'postgres' && "the server's own queue is SQLite's",
  },
  () => {
    test("an account's second analysis waits for its first; a third, or anyone's once the server's queue is full, gets 429", async () => {
      const server = await startServer(await demoDatabase());
      const queue = analysisQueue(server.store);
      // The waiting request is answered with its analysis, however long it waited (not 202 with a job).
      analysisJobs(server.store).answerWithinMs = 600_000;
      queue.limits = { perServer: 1, perAccount: 1, waiting: 1, waitingPerAccount: 1, retryAfterSeconds: 7 };
      const mediator = await signIn(server.url, 'mediator@demo.parley');
      const ua = await signIn(server.url, 'ua@demo.parley');
      // Someone else's analysis holds the server's one slot until the test releases it.
      let release!: () => void;
      const holding = queue.run('someone-else', () => new Promise<void>((resolve) => (release = resolve)));
      const waiting = mediator.post(`${N}/analyses`, {});
      while (queue.load.waiting < 1) await new Promise((resolve) => setImmediate(resolve));

      const second = await fetch(`${server.url}${N}/analyses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await mediatorToken(server.url)}`, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(second.status, 429);
      assert.equal(second.headers.get('retry-after'), '7');
      assert.match(second.headers.get('content-type') ?? '', /problem\+json/);
      assert.match(
        ((await second.json()) as { detail: string }).detail,
        /too many analyses at once: you have 1 running and 1 waiting/,
      );

      const other = await ua.post(`${N}/analyses`, {});
      assert.equal(other.status, 429, 'the server queue is full for everyone');
      assert.match(other.body.detail, /the server runs 1 and 1 wait already; try again in 7 s/);

      release();
      await holding;
      const done = await waiting;
      assert.equal(done.status, 201, JSON.stringify(done.body).slice(0, 300));
      assert.deepEqual(queue.load, { running: 0, waiting: 0 });
      assert.equal((await ua.post(`${N}/analyses`, {})).status, 201, 'a free server runs the next at once');
    });
  },
);

async function mediatorToken(url: string): Promise<string> {
  const answer = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'mediator@demo.parley', password: 'parley-demo' }),
  });
  return ((await answer.json()) as { token: string }).token;
}
