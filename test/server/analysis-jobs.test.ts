import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { buildApp } from '../../src/server/app.ts';
import { analysisJobs } from '../../src/store/analysis-jobs.ts';
import { analysisQueue } from '../../src/store/analyses.ts';
import { Store } from '../../src/store/store.ts';
import {
  demoDatabase,
  newPostgresDatabase,
  seatNewMember,
  signIn,
  startServer,
  TEST_ENGINE,
  type RunningServer,
} from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

interface Job {
  jobId: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  analysisId: string | null;
  error: string | null;
}

/** Follows a job as `as` until it ends, each look waiting on the server for the end (no sleep here). */
async function follow(as: Awaited<ReturnType<typeof signIn>>, jobId: string): Promise<Job> {
  for (;;) {
    const answer = await as.get<Job>(`${N}/analysis-jobs/${jobId}?wait=20`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    if (answer.body.state === 'done' || answer.body.state === 'failed') return answer.body;
  }
}

describe(`an analysis that does not end within the request is answered 202 with a job to follow (${TEST_ENGINE})`, () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
    // Every request answers 202 at once: the protocol of a long analysis, without a long analysis.
    analysisJobs(server.store).answerWithinMs = 0;
  });

  test('202 with the job and its Location; the job ends done, and its analysis is the requester’s to read and list', async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const answer = await fetch(`${server.url}${N}/analyses`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await tokenOf(server.url, 'ua@demo.parley')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ versionId: 'v-us-28' }),
    });
    assert.equal(answer.status, 202);
    const job = (await answer.json()) as Job & { versionId: string; setAside: string[] };
    assert.equal(answer.headers.get('location'), `${N}/analysis-jobs/${job.jobId}`);
    assert.ok(['queued', 'running'].includes(job.state), job.state);
    assert.equal(job.versionId, 'v-us-28');
    assert.equal(job.analysisId, null);

    const done = await follow(ua, job.jobId);
    assert.equal(done.state, 'done', JSON.stringify(done));
    const analysis = await ua.get(`${N}/analyses/${done.analysisId}`);
    assert.equal(analysis.status, 200);
    assert.equal(analysis.body.versionId, 'v-us-28');
    assert.deepEqual(analysis.body.result.included, ['ua'], "Ukraine's analysis uses Ukraine's preferences only");
    assert.ok((await ua.get(`${N}/analyses`)).body.some((a: { id: string }) => a.id === done.analysisId));
  });

  test('a bad version or red line is refused at once (400), not queued', async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const version = await ua.post(`${N}/analyses`, { versionId: 'no-such-version' });
    assert.equal(version.status, 400);
    assert.equal(version.body.field, 'versionId');
    const aside = await ua.post(`${N}/analyses`, { setAside: ['no-such-red-line'] });
    assert.equal(aside.status, 400);
    assert.equal(aside.body.field, 'setAside');
  });

  test("no one but the requester learns of a job: another party's member, a colleague, the mediator and another mediator get 404", async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const ua = await signIn(server.url, 'ua@demo.parley');
    const mine = await mediator.post(`${N}/analyses`, {});
    assert.equal(mine.status, 202);
    const theirs = await ua.post(`${N}/analyses`, {});
    assert.equal(theirs.status, 202);

    await seatNewMember(server.url, N, {
      email: 'second-mediator@example.org',
      name: 'Second Mediator',
      password: 'second-mediator-pw',
      partyId: null as unknown as string,
      role: 'mediator',
      title: 'Co-mediator',
    });
    const other = await signIn(server.url, 'second-mediator@example.org', 'second-mediator-pw');
    const strangers = {
      "Russia's lead": await signIn(server.url, 'ru@demo.parley'),
      "Ukraine's principal (the requester's colleague)": await signIn(server.url, 'ua-principal@demo.parley'),
      'another mediator': other,
    };
    for (const [who, as] of Object.entries(strangers))
      for (const job of [mine.body as Job, theirs.body as Job]) {
        const answer = await as.get(`${N}/analysis-jobs/${job.jobId}`);
        assert.equal(answer.status, 404, `${who} is told nothing of job ${job.jobId}`);
        assert.match(answer.body.detail, /was not found, or you may not see it/);
      }
    assert.equal(
      (await mediator.get(`${N}/analysis-jobs/${theirs.body.jobId}`)).status,
      404,
      "the mediator: not Ukraine's",
    );
    assert.equal((await ua.get(`${N}/analysis-jobs/${mine.body.jobId}`)).status, 404, "Ukraine: not the mediator's");
    // A made-up id reads exactly as someone else's job.
    const madeUp = await ua.get(`${N}/analysis-jobs/00000000-0000-4000-8000-000000000000`);
    assert.equal(madeUp.status, 404);
    assert.equal((await ua.get(`${N}/analysis-jobs/not-a-job`)).status, 404);

    // The requesters themselves follow theirs to the end.
    assert.equal((await follow(mediator, mine.body.jobId)).state, 'done');
    assert.equal((await follow(ua, theirs.body.jobId)).state, 'done');
  });
});

describe(
  'on PostgreSQL, any server process on the database runs a queued analysis, and every process reads it',
  {
    skip: TEST_ENGINE !== 'postgres' && 'PostgreSQL only (PARLEY_TEST_ENGINE=postgres)',
  },
  () => {
    const opened: { app: FastifyInstance; store: Store }[] = [];
    after(async () => {
      for (const { app, store } of opened.reverse()) {
        await app.close();
        await store.close();
      }
    });

    /** A server process on `location` as `parley serve` starts one (no listening socket, no workers). */
    async function startProcess(location: string): Promise<Store> {
      const store = await Store.open(location);
      const app = await buildApp({ store, logger: false, analysisWorkers: 0 }).catch(async (error: unknown) => {
        await store.close();
        throw error;
      });
      opened.push({ app, store });
      return store;
    }

    async function serve(location: string, analysisWorkers: number) {
      const store = await Store.open(location);
      const app = await buildApp({ store, logger: false, analysisWorkers });
      opened.push({ app, store });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      if (!address || typeof address === 'string') throw new Error('no TCP address');
      return { url: `http://127.0.0.1:${address.port}`, store };
    }

    test('a job asked of a process that runs none is run by another, and its result is read from both', async () => {
      const location = await demoDatabase();
      const front = await serve(location, 0);
      const worker = await serve(location, 1);
      analysisJobs(front.store).answerWithinMs = 0;
      const atFront = await signIn(front.url, 'ua@demo.parley');
      const atWorker = await signIn(worker.url, 'ua@demo.parley');

      const asked = await atFront.post(`${N}/analyses`, {});
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      const jobId = (asked.body as Job).jobId;
      // Only the other process works the queue: the job ends there.
      await analysisJobs(worker.store).settledHere(jobId);

      const seenAtFront = await follow(atFront, jobId);
      const seenAtWorker = await follow(atWorker, jobId);
      assert.equal(seenAtFront.state, 'done', JSON.stringify(seenAtFront));
      assert.deepEqual(seenAtWorker, seenAtFront);
      const fromFront = await atFront.get(`${N}/analyses/${seenAtFront.analysisId}`);
      const fromWorker = await atWorker.get(`${N}/analyses/${seenAtFront.analysisId}`);
      assert.equal(fromFront.status, 200);
      assert.deepEqual(fromFront.body, fromWorker.body);
      assert.deepEqual(fromFront.body.result.included, ['ua']);
      // The job is the requester's in every process: another party's member gets 404 from either.
      for (const url of [front.url, worker.url])
        assert.equal((await (await signIn(url, 'ru@demo.parley')).get(`${N}/analysis-jobs/${jobId}`)).status, 404);
    });

    test("a requester's jobs beyond their share wait nowhere: 429 with Retry-After, counted in the database", async () => {
      const location = await demoDatabase();
      const front = await serve(location, 0);
      const jobs = analysisJobs(front.store);
      jobs.answerWithinMs = 0;
      analysisQueue(front.store).limits = {
        perServer: 1,
        perAccount: 1,
        waiting: 16,
        waitingPerAccount: 1,
        retryAfterSeconds: 9,
      };
      const ua = await signIn(front.url, 'ua@demo.parley');
      assert.equal((await ua.post(`${N}/analyses`, {})).status, 202);
      assert.equal((await ua.post(`${N}/analyses`, {})).status, 202);
      const third = await ua.post(`${N}/analyses`, {});
      assert.equal(third.status, 429);
      assert.match(third.body.detail, /you have 2 running or waiting already; try again in 9 s/);
      assert.equal(
        (await (await signIn(front.url, 'ru@demo.parley')).post(`${N}/analyses`, {})).status,
        202,
        'another account still may',
      );
    });

    test("one account's requests at the same moment, through two processes, get no more than its share", async () => {
      const location = await demoDatabase();
      const fronts = [await serve(location, 0), await serve(location, 0)];
      const limits = { perServer: 1, perAccount: 1, waiting: 16, waitingPerAccount: 1, retryAfterSeconds: 9 };
      for (const front of fronts) {
        analysisJobs(front.store).answerWithinMs = 0;
        analysisQueue(front.store).limits = limits;
      }
      const clients = await Promise.all(fronts.map((front) => signIn(front.url, 'ua@demo.parley')));
      // Six at once, three to each process: counting and queueing are one step across the database.
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => clients[i % 2]!.post(`${N}/analyses`, {})));
      const statuses = answers.map((answer) => answer.status).sort();
      assert.deepEqual(statuses, [202, 202, 429, 429, 429, 429], JSON.stringify(answers.map((a) => a.body)));
    });

    test('server processes starting at once on a new database all start: one creates the queue, the others find it', async () => {
      const location = await demoDatabase();
      // pg-boss's tables as its first start leaves them, without Parley's queue.
      const boss = new PgBoss({ connectionString: location, schedule: false, supervise: false });
      await boss.start();
      await boss.stop({ graceful: false, wait: true });
      // The queue's creation is held just after its row is written (its table is made like the jobs'
      // table, which is locked here), so that every process is in it together: pg-boss's creations then
      // deadlocked (each waiting on the first's row, the first on their hold of the queue table), and a
      // process failed to start.
      const holder = new pg.Client({ connectionString: location });
      // Another connection watches: inside the holder's transaction, pg_stat_activity would not change.
      const watcher = new pg.Client({ connectionString: location });
      await holder.connect();
      await watcher.connect();
      try {
        await holder.query('begin');
        await holder.query('lock table pgboss.job in access exclusive mode');
        const starting = Promise.allSettled([0, 1, 2].map(() => startProcess(location)));
        // All three wait for a lock: one for the jobs' table, the others for the first's creation or their turn.
        const waiting = async () =>
          Number(
            (
              await watcher.query<{ n: string }>(
                `select count(*) as n from pg_stat_activity
                  where datname = current_database() and wait_event_type = 'Lock'`,
              )
            ).rows[0]!.n,
          );
        while ((await waiting()) < 3) await new Promise((next) => setImmediate(next));
        await holder.query('commit');
        const started = await starting;
        for (const result of started)
          assert.equal(result.status, 'fulfilled', result.status === 'rejected' ? String(result.reason) : '');
        const queues = await watcher.query<{ n: string }>(`select count(*) as n from pgboss.queue`);
        assert.equal(Number(queues.rows[0]!.n), 1, 'one queue, made once');
      } finally {
        await holder.end();
        await watcher.end();
      }
    });

    test('server processes starting at once on an empty database all start, on the schema one of them made', async () => {
      const location = await newPostgresDatabase();
      const started = await Promise.allSettled([0, 1, 2].map(() => startProcess(location)));
      for (const result of started)
        assert.equal(result.status, 'fulfilled', result.status === 'rejected' ? String(result.reason) : '');
      const store = (started[0] as PromiseFulfilledResult<Store>).value;
      const { rows } = await sql<{ n: string; names: string }>`
        select count(*) as n, count(distinct name) as names from kysely_migration`.execute(store.db);
      assert.ok(Number(rows[0]!.n) > 0, 'the schema is migrated');
      assert.equal(Number(rows[0]!.n), Number(rows[0]!.names), 'each migration recorded once');
    });

    test('within the short wait, the requesting process answers 201 with the analysis another process ran', async () => {
      const location = await demoDatabase();
      const front = await serve(location, 0);
      await serve(location, 1);
      analysisJobs(front.store).answerWithinMs = 60_000;
      const mediator = await signIn(front.url, 'mediator@demo.parley');
      const answer = await mediator.post(`${N}/analyses`, {});
      assert.equal(answer.status, 201, JSON.stringify(answer.body).slice(0, 300));
      assert.equal(answer.body.requestedBy, 'u-mediator');
    });
  },
);

async function tokenOf(url: string, email: string): Promise<string> {
  const answer = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'parley-demo' }),
  });
  return ((await answer.json()) as { token: string }).token;
}
