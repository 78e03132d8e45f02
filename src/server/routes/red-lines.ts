import { z } from 'zod';
import { createRedLine, listRedLines, updateRedLine } from '../../store/red-lines.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, itemParams, negotiationParams, problems, type App } from './shared.ts';

/** Parties' red lines. */
export function redLinesRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/red-lines',
    {
      schema: {
        tags: ['red lines'],
        params: negotiationParams,
        response: { 200: z.array(s.redLineSchema), ...problems },
      },
    },
    async (request) => listRedLines(store, await ctx(store, request)),
  );
  app.post(
    '/api/negotiations/:id/red-lines',
    {
      schema: {
        tags: ['red lines'],
        params: negotiationParams,
        body: s.redLineCreateSchema,
        response: { 201: s.redLineSchema, ...problems },
      },
    },
    async (request, reply) => created(reply, await createRedLine(store, await ctx(store, request), request.body)),
  );
  app.patch(
    '/api/negotiations/:id/red-lines/:itemId',
    {
      schema: {
        tags: ['red lines'],
        params: itemParams,
        body: s.redLinePatchSchema,
        response: { 200: s.redLineSchema, ...problems },
      },
    },
    async (request) => {
      const { revision, ...patch } = request.body;
      return updateRedLine(store, await ctx(store, request), request.params.itemId, revision, patch);
    },
  );
}
