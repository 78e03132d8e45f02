import { z } from 'zod';
import { getAnalysis, listAnalyses, listReleases, releasePackages, runAnalysis } from '../../store/analyses.ts';
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
          "Any member. The Pareto frontier, Nash, Kalai-Smorodinsky, maximum-welfare and egalitarian packages, the draft's utilities and the packages that improve on it, over the issues' options, with every red line the requester may see as a hard constraint, except those set aside for a what-if (`setAside`). A mediator's analysis uses the preferences parties shared with the mediators; a party's, its own. Runs on a worker thread (at most 60 s and 512 MB); the answer says which parties were left out. One analysis per account, and one fewer than the server's cores, run at once; 16 more wait their turn (2 per account); beyond that, 429 with Retry-After.",
        params: negotiationParams,
        body: s.analysisCreateSchema,
        response: { 201: s.analysisSchema, ...problems },
      },
    },
    async (request, reply) => created(reply, await runAnalysis(store, await ctx(store, request), request.body)),
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
