import { z } from 'zod';
import { createTrack, listTracks, updateTrack } from '../../store/tracks.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, itemParams, negotiationParams, problems, type App } from './shared.ts';

/** Tracks: separate formats. */
export function tracksRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/tracks',
    { schema: { tags: ['tracks'], params: negotiationParams, response: { 200: z.array(s.trackSchema), ...problems } } },
    async (request) => listTracks(store, await ctx(store, request)),
  );
  app.post(
    '/api/negotiations/:id/tracks',
    {
      schema: {
        tags: ['tracks'],
        params: negotiationParams,
        body: s.trackCreateSchema,
        response: { 201: s.trackSchema, ...problems },
      },
    },
    async (request, reply) => created(reply, await createTrack(store, await ctx(store, request), request.body)),
  );

  app.patch(
    '/api/negotiations/:id/tracks/:itemId',
    {
      schema: {
        tags: ['tracks'],
        params: itemParams,
        body: s.trackPatchSchema,
        response: { 200: s.trackSchema, ...problems },
      },
    },
    async (request) => {
      const { revision, ...patch } = request.body;
      return updateTrack(store, await ctx(store, request), request.params.itemId, revision, patch);
    },
  );
}
