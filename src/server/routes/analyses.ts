import { Readable } from 'node:stream';
import { z } from 'zod';
import { invalid } from '../../core/errors.ts';
import { analysisJobs } from '../../store/analysis-jobs.ts';
import { getAnalysis, listAnalyses, listReleases, releasePackages, streamFrontier } from '../../store/analyses.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, itemParams, negotiationParams, problems, type App } from './shared.ts';

/** The settlement desk: analyses on the negotiation's own data, and the packages a mediator releases. */
export function analysesRoutes(app: App, store: Store): void {
  app.post(
    '/api/negotiations/:id/analyses',
    {
      schema: {
        tags: ['settlement'],
        summary: 'Analyse a version',
        description:
          "Any member. The Pareto frontier, Nash, Kalai-Smorodinsky, maximum-welfare and egalitarian packages, the draft's utilities and the packages that improve on it, over the issues' options, with every red line the requester may see as a hard constraint, except those set aside for a what-if (`setAside`). A mediator's analysis uses the preferences parties shared with the mediators; a party's, its own. The analysis runs as a job, on a worker thread (at most 60 s and 512 MB); the answer says which parties were left out. When it ends within 1.5 s the answer is 201 with the analysis; otherwise 202 with the job (`Location`: GET …/analysis-jobs/{jobId}), to follow until it is `done` (its `analysisId` is the result) or `failed`. A bad version or red line is refused at once (400). On PostgreSQL any server process on the database runs the job, each a few at once. One analysis per account, and one fewer than the server's cores, run at once; 16 more wait their turn (2 per account); beyond that, 429 with Retry-After.",
        params: negotiationParams,
        body: s.analysisCreateSchema,
        response: { 201: s.analysisSchema, 202: s.analysisJobSchema, ...problems },
      },
    },
    async (request, reply) => {
      const reader = await ctx(store, request);
      const jobs = analysisJobs(store);
      const queued = await jobs.submit(reader, request.body);
      const job = await jobs.get(reader, queued.jobId, jobs.answerWithinMs);
      if (job.state === 'done' && job.analysisId !== null)
        return created(reply, await getAnalysis(store, reader, job.analysisId));
      if (job.state === 'failed') throw invalid('versionId', job.error ?? 'the analysis failed; run it again');
      return reply
        .code(202)
        .header('location', `/api/negotiations/${reader.negotiation.id}/analysis-jobs/${job.jobId}`)
        .header('retry-after', '1')
        .send(job);
    },
  );
  app.get(
    '/api/negotiations/:id/analysis-jobs/:itemId',
    {
      schema: {
        tags: ['settlement'],
        summary: 'An analysis you asked for, as it runs',
        description:
          'The requester only (anyone else: 404): `queued`, `running`, `done` (with `analysisId`, the result at GET …/analyses/{analysisId}) or `failed` (with `error`). Ask again until it is done; `?wait=10` answers as soon as it ends, or after 10 s. On SQLite a job is remembered by the server process for a day, and not across a restart; on PostgreSQL by the database, for a week.',
        params: itemParams,
        querystring: z.object({
          wait: z.coerce
            .number()
            .int()
            .min(0)
            .max(20)
            .default(0)
            .describe('Seconds to wait for the job to end before answering (0–20): one request instead of many'),
        }),
        response: { 200: s.analysisJobSchema, ...problems },
      },
    },
    async (request) =>
      analysisJobs(store).get(await ctx(store, request), request.params.itemId, request.query.wait * 1000),
  );
  app.get(
    '/api/negotiations/:id/analyses',
    {
      schema: {
        tags: ['settlement'],
        summary: 'Your analyses',
        description:
          'Any member: the analyses you asked for, newest first, each summed up without its frontier; no one else’s, not even those of your own party’s other members. `stale` says whether an input changed since.',
        params: negotiationParams,
        response: { 200: z.array(s.analysisSummarySchema), ...problems },
      },
    },
    async (request) => listAnalyses(store, await ctx(store, request)),
  );
  app.get(
    '/api/negotiations/:id/analyses/:itemId',
    {
      schema: {
        tags: ['settlement'],
        summary: 'An analysis you asked for',
        description: 'The requester only. `stale` says whether an input changed since.',
        params: itemParams,
        response: { 200: s.analysisSchema, ...problems },
      },
    },
    async (request) => getAnalysis(store, await ctx(store, request), request.params.itemId),
  );
  app.get(
    '/api/negotiations/:id/analyses/:itemId/frontier',
    {
      schema: {
        tags: ['settlement'],
        summary: 'The whole Pareto frontier of an analysis, streamed',
        description:
          'The requester only (anyone else: 404). An analysis lists its frontier whole up to 2,000 packages and a sample beyond; this streams all of it as NDJSON (`application/x-ndjson`, one JSON object a line), computed again, for the analysis’s version and what-if, from the inputs as you see them now: first `{"kind":"frontier","analysisId","versionId","stale","size","included"}` (`stale`: an input changed since the analysis, so its `frontierIndexes` may not point into this listing), then `{"kind":"package","index","choices","utilities","count"}` for each package in the frontier’s order (the analysis’s `frontierIndexes` point into it; `count`: how many packages share those utilities), and `{"kind":"end","size"}` last; a listing cut short on the server ends with `{"kind":"error","message"}` instead. The frontier is computed within the analysis time limit (60 s), in the same queue as analyses (429 with Retry-After when it is full); the listing then goes at the pace the client reads it.',
        params: itemParams,
        response: {
          200: z.string().describe('NDJSON: a `frontier` line, a `package` line per frontier package, an `end` line'),
          ...problems,
          429: s.problemSchema,
        },
      },
    },
    async (request, reply) => {
      const reader = await ctx(store, request);
      const gone = new AbortController();
      request.raw.on('close', () => gone.abort());
      const { lines } = await streamFrontier(store, reader, request.params.itemId, gone.signal);
      return (
        reply
          .header('content-type', 'application/x-ndjson; charset=utf-8')
          .header('cache-control', 'no-store')
          // A stream is sent as it is (the schema's string describes it): Fastify does not serialise it.
          .send(Readable.from(lines) as unknown as string)
      );
    },
  );
  app.post(
    '/api/negotiations/:id/analyses/:itemId/releases',
    {
      schema: {
        tags: ['settlement'],
        summary: 'Release packages to parties',
        description:
          'A mediator, on an analysis of theirs: each receiving party sees the packages, with its own utility only.',
        params: itemParams,
        body: s.releaseCreateSchema,
        response: { 201: z.array(s.releaseSchema), ...problems },
      },
    },
    async (request, reply) =>
      created(reply, await releasePackages(store, await ctx(store, request), request.params.itemId, request.body)),
  );
  app.get(
    '/api/negotiations/:id/releases',
    {
      schema: {
        tags: ['settlement'],
        summary: 'Released packages',
        description:
          "A party's members: the packages released to their party, with its own utility. Mediators: every release, without utilities.",
        params: negotiationParams,
        response: { 200: z.array(s.releaseSchema), ...problems },
      },
    },
    async (request) => listReleases(store, await ctx(store, request)),
  );
}
