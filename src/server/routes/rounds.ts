import { z } from 'zod';
import { cancelRound, createRound, listRounds, updateRound } from '../../store/rounds.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, itemParams, negotiationParams, problems, type App } from './shared.ts';

/** Rounds of talks. */
export function roundsRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/rounds',
    {
      schema: {
        tags: ['rounds'],
        params: negotiationParams,
        querystring: z.object({
          cancelled: z.enum(['true', 'false']).default('false').describe('true: include cancelled rounds'),
        }),
        response: { 200: z.array(s.roundSchema), ...problems },
      },
    },
    async (request) =>
      (await listRounds(store, await ctx(store, request))).filter(
        (r) => request.query.cancelled === 'true' || !r.cancelledAt,
      ),
  );
  app.post(
    '/api/negotiations/:id/rounds',
    {
      schema: {
        tags: ['rounds'],
        params: negotiationParams,
        body: s.roundCreateSchema,
        response: { 201: s.roundSchema, ...problems },
      },
    },
    async (request, reply) => created(reply, await createRound(store, await ctx(store, request), request.body)),
  );
  app.patch(
    '/api/negotiations/:id/rounds/:itemId',
    {
      schema: {
        tags: ['rounds'],
        params: itemParams,
        body: s.roundPatchSchema,
        response: { 200: s.roundSchema, ...problems },
      },
    },
    async (request) => {
      const { revision, ...patch } = request.body;
      return updateRound(store, await ctx(store, request), request.params.itemId, revision, patch);
    },
  );
  app.post(
    '/api/negotiations/:id/rounds/:itemId/cancel',
    {
      schema: {
        tags: ['rounds'],
        summary: 'Cancel a round',
        description: 'Its mediators. The round stays in the history, marked, and counts no more in progress.',
        params: itemParams,
        response: { 200: s.roundSchema, ...problems },
      },
    },
    async (request) => cancelRound(store, await ctx(store, request), request.params.itemId),
  );
}
