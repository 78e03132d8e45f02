import { z } from 'zod';
import { createPosition, createPositions, listPositions, updatePosition } from '../../store/positions.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, itemParams, negotiationParams, problems, type App } from './shared.ts';

/** Parties' positions on points. */
export function positionsRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/positions',
    {
      schema: {
        tags: ['positions'],
        params: negotiationParams,
        querystring: z.object({ version: s.idSchema.optional() }),
        response: { 200: z.array(s.positionSchema), ...problems },
      },
    },
    async (request) => listPositions(store, await ctx(store, request), { versionId: request.query.version }),
  );
  app.post(
    '/api/negotiations/:id/positions',
    {
      schema: {
        tags: ['positions'],
        params: negotiationParams,
        body: s.positionCreateSchema,
        response: { 201: s.positionSchema, ...problems },
      },
    },
    async (request, reply) => created(reply, await createPosition(store, await ctx(store, request), request.body)),
  );
  app.patch(
    '/api/negotiations/:id/positions/:itemId',
    {
      schema: {
        tags: ['positions'],
        params: itemParams,
        body: s.positionPatchSchema,
        response: { 200: s.positionSchema, ...problems },
      },
    },
    async (request) => {
      const { revision, ...patch } = request.body;
      return updatePosition(store, await ctx(store, request), request.params.itemId, revision, patch);
    },
  );
  app.post(
    '/api/negotiations/:id/positions/batch',
    {
      schema: {
        tags: ['positions'],
        summary: 'Take many positions at once',
        description:
          "A party's members, as for one position: all are checked, then stored in one transaction, or none is (the first problem names the item, e.g. positions[3].pointId).",
        params: negotiationParams,
        body: z.object({ positions: z.array(s.positionCreateSchema).min(1).max(500) }),
        response: { 201: z.array(s.positionSchema), ...problems },
      },
    },
    async (request, reply) =>
      created(reply, await createPositions(store, await ctx(store, request), request.body.positions)),
  );
}
