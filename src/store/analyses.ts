import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { insertionOrder, jsonText, jsonTrue } from './dialect.ts';
import { analyzeInWorker, streamFrontierInWorker, warmAnalysisWorkers } from '../analysis/worker.ts';
import { DomainError, invalid, notFound } from '../core/errors.ts';
import type { Id } from '../core/model.ts';
import { packageOf, packageUtility, settlementOf, settlementProblem, type Settlement } from '../core/settlement.ts';
import { canActAsMediator, canActForParty } from '../core/visibility.ts';
import { requireMediator } from './guards.ts';
import { listIssues } from './issues.ts';
import { listPreferences } from './preferences.ts';
import { listRedLines } from './red-lines.ts';
import type { NegotiationContext, Store } from './store.ts';
import { document } from './texts.ts';
import { TooBusy, WorkQueue, type WorkLimits } from './work-queue.ts';

/**
 * The settlement desk: analyses of a version on exactly what the requester may see, stored with a
 * fingerprint of their inputs (so a stale one says so), and the packages a mediator releases to
 * chosen parties, each of which then sees them with its own utility only.
 */

export interface AnalysisRecord {
  id: Id;
  status: 'done';
  versionId: Id;
  requestedBy: Id;
  createdAt: string;
  /** True when an issue, a preference or a red line it used has changed since, or the reader sees others. */
  stale: boolean;
  /** The red lines the requester set aside for this what-if analysis: the engine did not hold to them. */
  setAside: Id[];
  result: Settlement;
}

/** One of the requester's analyses, small enough for a list: no frontier, no utilities. */
export interface AnalysisSummary {
  id: Id;
  versionId: Id;
  createdAt: string;
  stale: boolean;
  setAside: Id[];
  agreementPossible: boolean;
  frontierSize: number | null;
  included: Id[];
  excluded: Id[];
}

/** How long one analysis may run on its worker thread. */
export const ANALYSIS_TIME_LIMIT_MS = 60_000;
/**
 * How long the search for the bargaining points may take before it answers with the best packages found,
 * each saying whether it is proved optimal or how far from optimal it may be.
 */
export const ANALYSIS_POINTS_BUDGET_MS = 10_000;
/** How much memory one analysis's worker thread may use (its heap). */
export const ANALYSIS_MEMORY_LIMIT_MB = 512;
const DESK_WORKER_LIMITS = { maxOldGenerationSizeMb: ANALYSIS_MEMORY_LIMIT_MB };

/** Starts the desk's pooled analysis workers (a server at start), so that its first analysis finds one warm. */
export function warmDeskWorkers(): void {
  warmAnalysisWorkers(DESK_WORKER_LIMITS);
}

/**
 * Analyses at once: one per account, and on the server one fewer than the cores (the event loop keeps
 * one), at least one; 16 wait their turn (2 per account); more are refused with 429 and Retry-After.
 */
export const ANALYSIS_LIMITS: WorkLimits = {
  perServer: Math.max(1, availableParallelism() - 1),
  perAccount: 1,
  waiting: 16,
  waitingPerAccount: 2,
  retryAfterSeconds: 10,
};

const queues = new WeakMap<Store, WorkQueue>();

/** The queue of a store's analyses (one store per server); tests may change its `limits`. */
export function analysisQueue(store: Store): WorkQueue {
  let queue = queues.get(store);
  if (!queue) queues.set(store, (queue = new WorkQueue({ ...ANALYSIS_LIMITS })));
  return queue;
}

async function inputsOf(store: Store, ctx: NegotiationContext, versionId?: Id) {
  const version = await document(store, ctx, versionId);
  const issues = await listIssues(store, ctx);
  const preferences = await listPreferences(store, ctx);
  const redLines = await listRedLines(store, ctx);
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        version.id,
        version.optionChoices,
        issues.map((i) => [i.id, i.revision]),
        preferences.map((p) => [p.id, p.revision]),
        redLines.map((r) => [r.id, r.revision]),
      ]),
    )
    .digest('hex');
  return { version, issues, preferences, redLines, key };
}

/** Runs the engine on a version (the current one by default) as the requester may see it, and stores the result. */
export async function runAnalysis(
  store: Store,
  ctx: NegotiationContext,
  input: { versionId?: Id; setAside?: Id[] },
): Promise<AnalysisRecord> {
  const { record, key } = await computeAnalysis(store, ctx, input);
  return saveAnalysis(store, ctx, record, key);
}

/** Stores an analysis the requester ran, and records it in the audit (what was used, not the utilities). */
export async function saveAnalysis(
  store: Store,
  ctx: NegotiationContext,
  record: AnalysisRecord,
  key: string,
): Promise<AnalysisRecord> {
  await store.change(ctx.user.id, async (trx, recordEvent) => {
    await trx
      .insertInto('analyses')
      .values({
        id: record.id,
        negotiation_id: ctx.negotiation.id,
        requested_by: ctx.user.id,
        version_id: record.versionId,
        inputs_key: key,
        data: JSON.stringify(record),
        created_at: record.createdAt,
      })
      .execute();
    // The audit names what was used, not the utilities (those stay with the requester).
    const { included, excluded, redLinesApplied } = record.result;
    await recordEvent({
      action: 'analysis.create',
      entityId: record.id,
      negotiationId: ctx.negotiation.id,
      before: null,
      after: { versionId: record.versionId, included, excluded, redLinesApplied, setAside: record.setAside },
    });
  });
  return record;
}

/** What an analysis computes on, read as its requester may see it, and how to make its record. */
export interface PreparedAnalysis {
  /** The fingerprint of the inputs, to tell later whether they changed. */
  key: string;
  /** The problem for the engine; null when there is nothing to compute (the notes say why). */
  problem: ReturnType<typeof settlementProblem>['problem'] | null;
  /** The draft's package as the engine's outcome, when the version settles every issue. */
  draft: number[] | undefined;
  /** The parties whose preferences the problem holds, in its order. */
  included: Id[];
  /** The record of the analysis once the engine answered (null when it had nothing to compute). */
  record(analysis: Awaited<ReturnType<typeof analyzeInWorker>> | null, id?: Id): AnalysisRecord;
}

/**
 * Reads the inputs of an analysis of a version as the reader may see them, and checks the request:
 * a what-if sets aside some of the red lines the reader sees; one they may not see is refused exactly
 * as a made-up id, so the refusal tells nothing of it. Nothing is computed yet.
 */
export async function prepareAnalysis(
  store: Store,
  ctx: NegotiationContext,
  input: { versionId?: Id; setAside?: Id[] },
): Promise<PreparedAnalysis> {
  const { version, issues, preferences, redLines, key } = await inputsOf(store, ctx, input.versionId).catch((error) => {
    if (input.versionId !== undefined)
      throw invalid('versionId', `version "${input.versionId}" does not exist or you may not see it`);
    throw error;
  });
  const setAside = [...new Set(input.setAside ?? [])];
  for (const id of setAside)
    if (!redLines.some((r) => r.id === id))
      throw invalid('setAside', `red line "${id}" does not exist or you may not see it`);
  const held = redLines.filter((r) => !setAside.includes(r.id));
  const { problem, included, redLinesApplied } = settlementProblem(issues, preferences, held);
  const excluded = ctx.parties.map((p) => p.id).filter((id) => !included.includes(id));
  const notes: string[] = [];
  if (setAside.length > 0)
    notes.push(
      `what-if: ${setAside.length} red line${setAside.length === 1 ? '' : 's'} set aside: ${setAside.join(', ')}`,
    );
  if (excluded.length > 0)
    notes.push(`left out, as their preferences are not shared with you or not stated: ${excluded.join(', ')}`);
  let computable = false;
  if (problem.space.issues.length === 0)
    notes.push('the negotiation has no issues with options yet: define them first');
  else if (included.length === 0) notes.push('no preferences you may see: nothing to compute');
  else computable = true;
  const draft = problem.space.issues.map((issue) =>
    Object.hasOwn(version.optionChoices, issue.name) ? issue.options.indexOf(version.optionChoices[issue.name]!) : -1,
  );
  return {
    key,
    problem: computable ? problem : null,
    draft: draft.every((option) => option >= 0) ? draft : undefined,
    included,
    record: (analysis, id = store.id()) => ({
      id,
      status: 'done',
      versionId: version.id,
      requestedBy: ctx.user.id,
      createdAt: store.nowIso(),
      stale: false,
      setAside,
      result: settlementOf(problem, included, excluded, redLinesApplied, analysis, version.optionChoices, notes),
    }),
  };
}

/**
 * Runs the engine on a prepared problem on a worker thread, within the time and memory limits; a
 * failure becomes the error a person can act on.
 */
export async function analyzePrepared(
  prepared: PreparedAnalysis,
  run: <T>(work: () => Promise<T>) => Promise<T> = (work) => work(),
): Promise<Awaited<ReturnType<typeof analyzeInWorker>> | null> {
  const problem = prepared.problem;
  if (problem === null) return null;
  try {
    // Its time runs from when it starts, not while it waits its turn.
    return await run(() =>
      analyzeInWorker(problem, {
        ...(prepared.draft ? { draft: prepared.draft } : {}),
        budgetMs: ANALYSIS_POINTS_BUDGET_MS,
        signal: AbortSignal.timeout(ANALYSIS_TIME_LIMIT_MS),
        resourceLimits: DESK_WORKER_LIMITS,
      }),
    );
  } catch (error) {
    if (error instanceof TooBusy) throw error;
    const aborted = error instanceof Error && /abort/i.test(error.message);
    throw invalid(
      'versionId',
      aborted
        ? `the analysis did not finish within ${ANALYSIS_TIME_LIMIT_MS / 1000} s; reduce the issues or options`
        : `the analysis failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * The analysis of a version as the reader may see it, without storing it (the command line's), run
 * in the store's queue (`analysisQueue`).
 */
export async function computeAnalysis(
  store: Store,
  ctx: NegotiationContext,
  input: { versionId?: Id; setAside?: Id[] },
): Promise<{ record: AnalysisRecord; key: string }> {
  const prepared = await prepareAnalysis(store, ctx, input);
  const analysis = await analyzePrepared(prepared, (work) => analysisQueue(store).run(ctx.user.id, work));
  return { record: prepared.record(analysis), key: prepared.key };
}

/** An analysis, for the person who asked for it only; `stale` when its inputs changed since. */
export async function getAnalysis(store: Store, ctx: NegotiationContext, id: Id): Promise<AnalysisRecord> {
  const row = await store.db
    .selectFrom('analyses')
    .select(['data', 'inputs_key', 'version_id', 'requested_by'])
    .where('id', '=', id)
    .where('negotiation_id', '=', ctx.negotiation.id)
    .executeTakeFirst();
  if (!row || row.requested_by !== ctx.user.id) throw notFound(`analysis "${id}"`);
  const record = JSON.parse(row.data) as AnalysisRecord;
  const now = await inputsOf(store, ctx, row.version_id).catch(() => null);
  return { ...record, setAside: record.setAside ?? [], stale: now === null || now.key !== row.inputs_key };
}

/**
 * The requester's own analyses of the negotiation, newest first, each summed up (the rule of
 * getAnalysis: no one else's, not even a colleague's in the same party). `stale` is worked out as
 * getAnalysis does, once per version; the summary is read out of the stored JSON by the database, so
 * a long list does not parse every frontier.
 */
export async function listAnalyses(store: Store, ctx: NegotiationContext): Promise<AnalysisSummary[]> {
  const engine = store.engineName;
  const rows = await store.db
    .selectFrom('analyses')
    .select([
      'id',
      'version_id',
      'inputs_key',
      'created_at',
      jsonText(engine, 'data', ['setAside']).as('set_aside'),
      jsonTrue(engine, 'data', ['result', 'agreementPossible']).as('agreement_possible'),
      jsonText(engine, 'data', ['result', 'frontierSize']).as('frontier_size'),
      jsonText(engine, 'data', ['result', 'included']).as('included'),
      jsonText(engine, 'data', ['result', 'excluded']).as('excluded'),
    ])
    .where('negotiation_id', '=', ctx.negotiation.id)
    .where('requested_by', '=', ctx.user.id)
    .orderBy('created_at', 'desc')
    .orderBy(insertionOrder(engine), 'desc')
    .execute();
  const keys = new Map<Id, Promise<string | null>>();
  const keyOf = (versionId: Id) => {
    let key = keys.get(versionId);
    if (!key) {
      key = inputsOf(store, ctx, versionId).then(
        (now) => now.key,
        () => null,
      );
      keys.set(versionId, key);
    }
    return key;
  };
  const summaries: AnalysisSummary[] = [];
  for (const row of rows) {
    const now = await keyOf(row.version_id);
    summaries.push({
      id: row.id,
      versionId: row.version_id,
      createdAt: row.created_at,
      stale: now === null || now !== row.inputs_key,
      setAside: row.set_aside ? (JSON.parse(row.set_aside) as Id[]) : [],
      agreementPossible: Boolean(row.agreement_possible),
      frontierSize: row.frontier_size === null || row.frontier_size === undefined ? null : Number(row.frontier_size),
      included: JSON.parse(row.included ?? '[]') as Id[],
      excluded: JSON.parse(row.excluded ?? '[]') as Id[],
    });
  }
  return summaries;
}

export const NAMED_POINTS = ['nash', 'kalaiSmorodinsky', 'maxWelfare', 'egalitarian'] as const;

export interface ReleaseView {
  id: Id;
  /** The analysis it came from: for mediators only (a party learns nothing of the mediator's work). */
  analysisId: Id | null;
  partyId: Id;
  releasedAt: string;
  /** Each package, with the receiving party's own utility for it (from its own preferences), when the reader is of that party. */
  packages: { choices: Record<Id, Id>; utility: number | null }[];
}

/** The mediator releases chosen packages of one of their analyses to chosen parties. */
export async function releasePackages(
  store: Store,
  ctx: NegotiationContext,
  analysisId: Id,
  input: { partyIds: Id[]; frontierIndexes: number[]; points: (typeof NAMED_POINTS)[number][] },
): Promise<ReleaseView[]> {
  requireMediator(ctx, 'release packages');
  const analysis = await getAnalysis(store, ctx, analysisId);
  const packages = [
    ...input.points.map((name) => {
      const point = analysis.result[name];
      if (!point) throw invalid('points', `this analysis has no ${name} point`);
      return point.choices;
    }),
    ...input.frontierIndexes.map((index) => {
      const point = analysis.result.frontier[index];
      if (!point)
        throw invalid(
          'frontierIndexes',
          `the frontier has ${analysis.result.frontier.length} packages; ${index} is not one of them`,
        );
      return point.choices;
    }),
  ];
  if (packages.length === 0) throw invalid('points', 'choose at least one package: a named point or a frontier index');
  for (const partyId of input.partyIds)
    if (!ctx.parties.some((p) => p.id === partyId))
      throw invalid('partyIds', `"${partyId}" is not a party of this negotiation`);
  const at = store.nowIso();
  const releases = input.partyIds.map((partyId) => ({ id: store.id(), analysisId, partyId, releasedAt: at, packages }));
  await store.change(ctx.user.id, async (trx, record) => {
    for (const release of releases) {
      await trx
        .insertInto('releases')
        .values({
          id: release.id,
          negotiation_id: ctx.negotiation.id,
          analysis_id: analysisId,
          party_id: release.partyId,
          data: JSON.stringify({ packages }),
          created_by: ctx.user.id,
          created_at: at,
        })
        .execute();
      await record({
        action: 'release.create',
        entityId: release.id,
        negotiationId: ctx.negotiation.id,
        before: null,
        after: { analysisId, partyId: release.partyId, packages },
      });
    }
  });
  return listReleases(store, ctx).then((all) => all.filter((r) => releases.some((made) => made.id === r.id)));
}

/**
 * The released packages a reader may see: a mediator all of them (without utilities); a party's
 * member those released to its party, each with that party's own utility.
 */
export async function listReleases(store: Store, ctx: NegotiationContext): Promise<ReleaseView[]> {
  const mediator = canActAsMediator(ctx.scope);
  const rows = await store.db
    .selectFrom('releases')
    .select(['id', 'analysis_id', 'party_id', 'data', 'created_at'])
    .where('negotiation_id', '=', ctx.negotiation.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const visible = rows.filter((row) => mediator || canActForParty(ctx.scope, row.party_id));
  if (visible.length === 0) return [];
  const issues = await listIssues(store, ctx);
  const preferences = await listPreferences(store, ctx);
  return visible.map((row) => {
    const own = canActForParty(ctx.scope, row.party_id)
      ? preferences.find((p) => p.partyId === row.party_id)
      : undefined;
    const { packages } = JSON.parse(row.data) as { packages: Record<Id, Id>[] };
    return {
      id: row.id,
      analysisId: mediator ? row.analysis_id : null,
      partyId: row.party_id,
      releasedAt: row.created_at,
      packages: packages.map((choices) => ({ choices, utility: own ? packageUtility(own, issues, choices) : null })),
    };
  });
}

/** A streamed listing of an analysis's whole frontier (GET …/analyses/{id}/frontier), as NDJSON lines. */
export interface FrontierStream {
  /** The number of packages that follow. */
  size: number;
  /** `{"kind":"frontier",…}` first, a `{"kind":"package",…}` line per package in the frontier's order, `{"kind":"end",…}` last. */
  lines: AsyncIterable<string>;
}

/** Frontier packages per message from the worker, and per write. */
const STREAM_CHUNK = 500;

/**
 * The whole Pareto frontier of one of the reader's analyses (its version and what-if), computed again on a
 * pooled worker from the inputs as the reader sees them now (`stale` in the first line says they changed
 * since the analysis, so that its `frontierIndexes` may not point into this listing), and handed over a chunk
 * at a time as the reader takes it, so that memory holds one chunk, not the listing. Resolves once the
 * frontier is known (within the analysis time limit), so that a refusal is still an HTTP error; the
 * lines then follow. `signal` stops the work (the reader went away).
 */
export async function streamFrontier(
  store: Store,
  ctx: NegotiationContext,
  analysisId: Id,
  signal: AbortSignal,
): Promise<FrontierStream> {
  const analysis = await getAnalysis(store, ctx, analysisId);
  const prepared = await prepareAnalysis(store, ctx, { versionId: analysis.versionId, setAside: analysis.setAside });
  const problem = prepared.problem;
  const { included } = prepared;
  const header = (size: number) =>
    `${JSON.stringify({ kind: 'frontier', analysisId, versionId: analysis.versionId, stale: analysis.stale, size, included })}\n`;
  if (problem === null)
    return {
      size: 0,
      lines: (async function* () {
        yield header(0);
        yield `${JSON.stringify({ kind: 'end', size: 0 })}\n`;
      })(),
    };
  const stop = new AbortController();
  const abort = () => stop.abort();
  signal.addEventListener('abort', abort);
  const timer = setTimeout(abort, ANALYSIS_TIME_LIMIT_MS);
  // One chunk at a time between the worker and the reader: `pending` holds it until the reader takes it.
  let pending: string | null = null;
  let taken: (() => void) | null = null;
  let wake: (() => void) | null = null;
  let finished = false;
  let failed: unknown = null;
  let sized: (size: number) => void = () => {};
  let refused: (error: unknown) => void = () => {};
  const known = new Promise<number>((resolve, reject) => ((sized = resolve), (refused = reject)));
  const running = analysisQueue(store)
    .run(ctx.user.id, () =>
      streamFrontierInWorker(
        problem,
        (rows, offset) =>
          new Promise<void>((resolve) => {
            pending = rows
              .map(
                (point, k) =>
                  `${JSON.stringify({ kind: 'package', index: offset + k, ...packageOf(problem, included, point), count: String(point.count) })}\n`,
              )
              .join('');
            taken = resolve;
            wake?.();
          }),
        {
          chunk: STREAM_CHUNK,
          signal: stop.signal,
          resourceLimits: DESK_WORKER_LIMITS,
          onSize: (size) => {
            clearTimeout(timer);
            sized(size);
          },
        },
      ),
    )
    .then(
      () => (finished = true),
      (error: unknown) => (failed = error),
    )
    .finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
      refused(failed ?? new Error('the frontier stream ended before its size was known'));
      wake?.();
    });
  let size: number;
  try {
    size = await known;
  } catch (error) {
    await running;
    if (error instanceof TooBusy || error instanceof DomainError) throw error;
    const aborted = stop.signal.aborted;
    throw invalid(
      'analysisId',
      aborted
        ? `the frontier was not computed within ${ANALYSIS_TIME_LIMIT_MS / 1000} s; reduce the issues or options`
        : `the frontier could not be computed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  async function* lines(): AsyncGenerator<string> {
    try {
      yield header(size);
      for (;;) {
        if (pending !== null) {
          const chunk: string = pending;
          pending = null;
          yield chunk;
          const next = taken as (() => void) | null;
          taken = null;
          next?.();
          continue;
        }
        if (failed !== null) {
          yield `${JSON.stringify({ kind: 'error', message: 'the listing stopped on the server; ask for it again' })}\n`;
          return;
        }
        if (finished) {
          yield `${JSON.stringify({ kind: 'end', size })}\n`;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    } finally {
      // The reader went away (or the listing ended): the worker stops or has stopped.
      if (!finished) stop.abort();
    }
  }
  return { size, lines: lines() };
}
