import { z } from 'zod';
import { invalid } from '../../core/errors.ts';
import { analysisJobs } from '../../store/analysis-jobs.ts';
import { getAnalysis, listAnalyses, listReleases, releasePackages } from '../../store/analyses.ts';
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
