import { EventEmitter } from 'node:events';
import { CompiledQuery, type Transaction } from 'kysely';
import PgBoss from 'pg-boss';
import { DomainError, notFound } from '../core/errors.ts';
import type { Id, User } from '../core/model.ts';
import { analysisQueue, analyzePrepared, prepareAnalysis, saveAnalysis, type AnalysisRecord } from './analyses.ts';
import type { Database } from './schema.ts';
import type { NegotiationContext, Store } from './store.ts';
import { TooBusy } from './work-queue.ts';

/**
 * Analyses as jobs: a request for an analysis queues a job, answered with its result when it ends
 * within a short wait, else with the job to follow. On PostgreSQL the queue is pg-boss in the same
 * database, and every server process on it picks jobs up (any process may run any job; one whose
 * process dies is expired and run again); the result is stored in `analyses`, so every process reads
 * it. On SQLite (one process) the jobs run in the store's own queue (`analysisQueue`) and are
 * remembered in memory.
 *
 * A job holds no secret: only who asked, about which negotiation, for which version and what-if. The
 * inputs are read as the requester sees them when the job runs (its worker opens the negotiation as
 * the requester, so someone who has lost their seat since gets nothing), and the request is checked
 * the same way when it is made, so a bad version or red line is refused at once (400).
 */

export type AnalysisJobState = 'queued' | 'running' | 'done' | 'failed';

/** A job as its requester sees it: no one else's job is ever shown (404, as a made-up id). */
export interface AnalysisJobView {
  jobId: Id;
  state: AnalysisJobState;
  /** The version asked for; null: the current one when the job runs. */
  versionId: Id | null;
  setAside: Id[];
  createdAt: string;
  /** When done: the analysis, at GET …/analyses/{analysisId}. */
  analysisId: Id | null;
  /** When failed: why, and what to do. */
  error: string | null;
}

export interface AnalysisJobRequest {
  versionId?: Id;
  setAside?: Id[];
}

/** How long a request for an analysis waits for its result before answering 202 with the job to follow. */
export const ANSWER_WITHIN_MS = 1500;
/** How long a finished job is remembered by the in-process queue (SQLite). */
export const FINISHED_JOB_KEPT_MS = 24 * 3600_000;
/** How long a job may run before PostgreSQL's queue takes it for lost (its process died) and runs it again. */
export const JOB_EXPIRES_S = 180;
/** How many times a job whose process died is run again. */
export const JOB_RETRIES = 2;

export interface AnalysisJobs {
  /** How long `submit`'s caller waits for the result before answering 202; tests may change it. */
  answerWithinMs: number;
  /**
   * Checks the request as the requester sees the negotiation (400 on a bad version or red line), and
   * queues it; 429 (`TooBusy`) when the requester or the server has too many waiting already.
   */
  submit(ctx: NegotiationContext, input: AnalysisJobRequest): Promise<AnalysisJobView>;
  /** The requester's job, after waiting up to `waitMs` for it to end; 404 for anyone else. */
  get(ctx: NegotiationContext, jobId: Id, waitMs?: number): Promise<AnalysisJobView>;
  /** Resolves when the job ends in this process (it may end in another: then never). */
  settledHere(jobId: Id): Promise<void>;
  /** Starts taking jobs from the queue (PostgreSQL: `workers` at once); the in-process queue needs no start. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const jobsOfStore = new WeakMap<Store, AnalysisJobs>();

/**
 * The analysis jobs of a store: pg-boss on PostgreSQL, the in-process queue on SQLite. Stopped when
 * the store closes.
 *
 * @example
 * const jobs = analysisJobs(store);
 * await jobs.start();
 * const job = await jobs.submit(ctx, { setAside: [] });
 * const now = await jobs.get(ctx, job.jobId, 1500);
 */
export function analysisJobs(store: Store, options: { workers?: number } = {}): AnalysisJobs {
  let jobs = jobsOfStore.get(store);
  if (!jobs) {
    const url = store.engine.connectionUrl;
    jobs =
      store.engineName === 'postgres' && url
        ? new PostgresAnalysisJobs(store, url, options.workers ?? analysisQueue(store).limits.perServer)
        : new LocalAnalysisJobs(store);
    jobsOfStore.set(store, jobs);
    const stopping = jobs;
    store.whenClosing(() => stopping.stop());
  }
  return jobs;
}

function sameRequester(ctx: NegotiationContext, negotiationId: Id, requestedBy: Id): boolean {
  return negotiationId === ctx.negotiation.id && requestedBy === ctx.user.id;
}

const missingJob = (jobId: Id) => notFound(`analysis job "${jobId}"`);

/** A failure the person can act on keeps its words; any other is told as such, without its internals. */
function failureOf(error: unknown): string {
  return error instanceof DomainError
    ? error.message
    : 'the analysis failed on the server; run it again, and tell the operator if it fails again';
}

function delay(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))));
  return { promise, cancel: () => clearTimeout(timer) };
}

interface LocalJob {
  view: AnalysisJobView;
  negotiationId: Id;
  requestedBy: Id;
  finishedAt: number | null;
  done: Promise<void>;
}

/** SQLite's: one process, so the jobs run in the store's analysis queue and are remembered in memory. */
class LocalAnalysisJobs implements AnalysisJobs {
  answerWithinMs = ANSWER_WITHIN_MS;
  private readonly jobs = new Map<Id, LocalJob>();

  constructor(private readonly store: Store) {}

  async submit(ctx: NegotiationContext, input: AnalysisJobRequest): Promise<AnalysisJobView> {
    this.forgetOld();
    // Read now, as the requester sees the negotiation now; nothing of it leaves this process.
    const prepared = await prepareAnalysis(this.store, ctx, input);
    const view: AnalysisJobView = {
      jobId: this.store.id(),
      state: 'queued',
      versionId: input.versionId ?? null,
      setAside: [...new Set(input.setAside ?? [])],
      createdAt: this.store.nowIso(),
      analysisId: null,
      error: null,
    };
    // Starts now or waits its turn; refused at once (429) when the queue is full.
    const analysis =
      prepared.problem === null
        ? Promise.resolve(null)
        : analysisQueue(this.store).run(ctx.user.id, () => {
            view.state = 'running';
            return analyzePrepared(prepared);
          });
    const job: LocalJob = {
      view,
      negotiationId: ctx.negotiation.id,
      requestedBy: ctx.user.id,
      finishedAt: null,
      done: analysis
        .then((result) => saveAnalysis(this.store, ctx, prepared.record(result), prepared.key))
        .then(
          (record: AnalysisRecord) => {
            view.state = 'done';
            view.analysisId = record.id;
          },
          (error: unknown) => {
            view.state = 'failed';
            view.error = failureOf(error);
          },
        )
        .finally(() => (job.finishedAt = Date.now())),
    };
    this.jobs.set(view.jobId, job);
    return { ...view };
  }

  async get(ctx: NegotiationContext, jobId: Id, waitMs = 0): Promise<AnalysisJobView> {
    const job = this.jobs.get(jobId);
    if (!job || !sameRequester(ctx, job.negotiationId, job.requestedBy)) throw missingJob(jobId);
    if (job.finishedAt === null && waitMs > 0) {
      const wait = delay(waitMs);
      await Promise.race([job.done, wait.promise]);
      wait.cancel();
    }
    return { ...job.view };
  }

  async settledHere(jobId: Id): Promise<void> {
    await this.jobs.get(jobId)?.done;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    // The running analyses end on their own (their worker threads have their time limit).
    await Promise.all([...this.jobs.values()].map((job) => job.done));
  }

  private forgetOld(): void {
    const before = Date.now() - FINISHED_JOB_KEPT_MS;
    for (const [id, job] of this.jobs) if (job.finishedAt !== null && job.finishedAt < before) this.jobs.delete(id);
  }
}

/** The queue's name in pg-boss. */
const QUEUE = 'parley-analysis';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a job carries: who asked, and what; never the inputs themselves. */
interface JobData {
  negotiationId: Id;
  requestedBy: Id;
  versionId: Id | null;
  setAside: Id[];
  /** Chosen when asked: a job run again after its process died finds its analysis stored already. */
  analysisId: Id;
  createdAt: string;
}

/** What a finished job leaves: the analysis, or why there is none. */
interface JobOutput {
  analysisId?: Id;
  error?: string;
}

/** PostgreSQL's: pg-boss in the same database; every process works the one queue. */
/** The advisory lock that makes a submit's count and insert one step (an arbitrary key, Parley's alone). */
const SUBMIT_LOCK = 0x70617231; // "par1"
/** The advisory lock under which one process at a time creates the queue (Parley's alone too). */
const QUEUE_LOCK = 0x70617232; // "par2"

/** Takes the advisory lock `key` for the rest of `trx`: another process's transaction asking for it waits. */
async function holdUntilCommit(trx: Transaction<Database>, key: number): Promise<void> {
  await trx.executeQuery(CompiledQuery.raw('select pg_advisory_xact_lock($1)', [key]));
}

class PostgresAnalysisJobs implements AnalysisJobs {
  answerWithinMs = ANSWER_WITHIN_MS;
  private readonly boss: PgBoss;
  private ready: Promise<void> | null = null;
  private stopped = false;
  private readonly workerIds: string[] = [];
  private readonly ended = new EventEmitter();
  /** Jobs this process finished, until pg-boss has marked them complete (it does so just after). */
  private readonly finishedHere = new Map<Id, JobOutput>();

  constructor(
    private readonly store: Store,
    url: string,
    private readonly workers: number,
  ) {
    this.boss = new PgBoss({
      connectionString: url,
      max: Math.max(2, workers + 1),
      application_name: 'parley-jobs',
      // Parley schedules nothing; maintenance expires the jobs of processes that died.
      schedule: false,
      supervise: true,
    });
    // A lost connection is tried again by pg-boss; it must not end the process.
    this.boss.on('error', () => {});
    this.ended.setMaxListeners(0);
  }

  private start0(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('the analysis queue is stopped'));
    this.ready ??= (async () => {
      await this.boss.start();
      // Processes starting at once on a new database would create the queue together, and pg-boss's
      // creation of its table deadlocks against itself (one process failed to start): one at a time,
      // under an advisory lock held until the creation has committed; the later ones find it made.
      await this.store.db.transaction().execute(async (trx) => {
        await holdUntilCommit(trx, QUEUE_LOCK);
        await this.boss.createQueue(QUEUE, {
          name: QUEUE,
          policy: 'standard',
          retryLimit: JOB_RETRIES,
          expireInSeconds: JOB_EXPIRES_S,
        });
      });
    })();
    return this.ready;
  }

  async start(): Promise<void> {
    await this.start0();
    if (this.workerIds.length > 0) return;
    for (let i = 0; i < this.workers; i++)
      this.workerIds.push(
        await this.boss.work<JobData>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, ([job]) => this.work(job!)),
      );
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ready === null) return;
    await this.ready.catch(() => {});
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }

  async submit(ctx: NegotiationContext, input: AnalysisJobRequest): Promise<AnalysisJobView> {
    await this.start0();
    // The request is checked as the requester sees the negotiation now: a refusal comes at once.
    await prepareAnalysis(this.store, ctx, input);
    const data: JobData = {
      negotiationId: ctx.negotiation.id,
      requestedBy: ctx.user.id,
      versionId: input.versionId ?? null,
      setAside: [...new Set(input.setAside ?? [])],
      analysisId: this.store.id(),
      createdAt: this.store.nowIso(),
    };
    // Counting the requester's jobs and queueing this one are one step for every process on the database
    // (a transaction holding an advisory lock): requests sent at once, to one process or several, cannot
    // all pass the count before any is queued.
    const jobId = await this.store.db.transaction().execute(async (trx) => {
      await holdUntilCommit(trx, SUBMIT_LOCK);
      const db: PgBoss.Db = {
        executeSql: async (text, values) => ({ rows: (await trx.executeQuery(CompiledQuery.raw(text, values))).rows }),
      };
      await this.checkRoom(ctx.user.id, db);
      return this.boss.send(QUEUE, data, { db });
    });
    if (!jobId) throw new Error('the analysis queue refused the job');
    // This process's idle workers look at once rather than at their next poll.
    for (const id of this.workerIds) this.boss.notifyWorker(id);
    return viewOf(jobId, data, 'queued', null);
  }

  async get(ctx: NegotiationContext, jobId: Id, waitMs = 0): Promise<AnalysisJobView> {
    if (!UUID.test(jobId)) throw missingJob(jobId);
    await this.start0();
    const deadline = Date.now() + waitMs;
    for (;;) {
      const job = await this.boss.getJobById<JobData>(QUEUE, jobId, { includeArchive: true });
      if (!job || !sameRequester(ctx, job.data.negotiationId, job.data.requestedBy)) throw missingJob(jobId);
      const here = this.finishedHere.get(jobId);
      const view = here ? viewOf(jobId, job.data, 'completed', here) : viewOf(jobId, job.data, job.state, job.output);
      const left = deadline - Date.now();
      if (view.state === 'done' || view.state === 'failed' || left <= 0) return view;
      // Woken when this process ends it; another process's end is seen at the next look.
      const wait = delay(Math.min(left, 250));
      let wake!: () => void;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      this.ended.once(jobId, wake);
      await Promise.race([woken, wait.promise]);
      wait.cancel();
      this.ended.off(jobId, wake);
    }
  }

  settledHere(jobId: Id): Promise<void> {
    if (this.finishedHere.has(jobId)) return Promise.resolve();
    return new Promise((resolve) => this.ended.once(jobId, () => resolve()));
  }

  /** A requester has at most their running and waiting share queued; the queue as a whole at most its `waiting`. */
  private async checkRoom(account: Id, db: PgBoss.Db): Promise<void> {
    const limits = analysisQueue(this.store).limits;
    const { rows } = await db.executeSql(
      `select count(*) filter (where data->>'requestedBy' = $2)::int as mine,
              count(*) filter (where state < 'active')::int as waiting
         from pgboss.job where name = $1 and state < 'completed'`,
      [QUEUE, account],
    );
    const { mine, waiting } = rows[0] as { mine: number; waiting: number };
    if (mine >= limits.perAccount + limits.waitingPerAccount)
      throw new TooBusy(
        `too many analyses at once: you have ${mine} running or waiting already; try again in ${limits.retryAfterSeconds} s`,
        limits.retryAfterSeconds,
      );
    if (waiting >= limits.waiting)
      throw new TooBusy(
        `too many analyses at once: ${waiting} wait already; try again in ${limits.retryAfterSeconds} s`,
        limits.retryAfterSeconds,
      );
  }

  /** Runs one job: opens the negotiation as its requester, reads what they may see now, runs, stores. */
  private async work(job: PgBoss.Job<JobData>): Promise<JobOutput> {
    const data = job.data;
    let output: JobOutput;
    try {
      const stored = await this.store.db
        .selectFrom('analyses')
        .select('id')
        .where('id', '=', data.analysisId)
        .executeTakeFirst();
      if (!stored) {
        const ctx = await this.store.context(await this.requester(data), data.negotiationId);
        const prepared = await prepareAnalysis(this.store, ctx, {
          ...(data.versionId === null ? {} : { versionId: data.versionId }),
          setAside: data.setAside,
        });
        const analysis = await analyzePrepared(prepared);
        await saveAnalysis(this.store, ctx, prepared.record(analysis, data.analysisId), prepared.key);
      }
      output = { analysisId: data.analysisId };
    } catch (error) {
      // Anything else (the database, this code) fails the job, and pg-boss runs it again.
      if (!(error instanceof DomainError)) throw error;
      output = { error: failureOf(error) };
    }
    this.finishedHere.set(job.id, output);
    setTimeout(() => this.finishedHere.delete(job.id), 60_000).unref();
    this.ended.emit(job.id);
    return output;
  }

  private async requester(data: JobData): Promise<User> {
    const row = await this.store.db
      .selectFrom('users')
      .select(['id', 'email', 'name', 'is_admin'])
      .where('id', '=', data.requestedBy)
      .executeTakeFirst();
    // An account removed since: as for someone who lost their seat, nothing is read for it.
    if (!row) throw notFound(`negotiation "${data.negotiationId}"`);
    return { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 };
  }
}

function viewOf(jobId: Id, data: JobData, state: string, output: unknown): AnalysisJobView {
  const out = (output ?? {}) as JobOutput;
  const base = {
    jobId,
    versionId: data.versionId,
    setAside: data.setAside,
    createdAt: data.createdAt,
    analysisId: null,
    error: null,
  };
  switch (state) {
    case 'created':
    case 'retry':
      return { ...base, state: 'queued' };
    case 'active':
      return { ...base, state: 'running' };
    case 'completed':
      return typeof out.error === 'string'
        ? { ...base, state: 'failed', error: out.error }
        : { ...base, state: 'done', analysisId: out.analysisId ?? data.analysisId };
    default:
      return {
        ...base,
        state: 'failed',
        error: `the analysis stopped before it finished (the server running it stopped, or it ran longer than ${JOB_EXPIRES_S} s), ${JOB_RETRIES + 1} times; run it again, with fewer issues or options if it was large`,
      };
  }
}
