import { z } from 'zod';
import { listPreferences, putPreference } from '../../store/preferences.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { ctx, itemParams, negotiationParams, problems, type App } from './shared.ts';

/** Parties' private preferences. */
export function preferencesRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/preferences',
    {
      schema: {
        tags: ['preferences'],
        params: negotiationParams,
        response: { 200: z.array(s.preferenceSchema), ...problems },
      },
    },
    async (request) => listPreferences(store, await ctx(store, request)),
  );
  app.put(
    '/api/negotiations/:id/parties/:itemId/preferences',
    {
      schema: {
        tags: ['preferences'],
        params: itemParams,
        body: s.preferencePutSchema,
        response: { 200: s.preferenceSchema, ...problems },
      },
    },
    async (request) => {
      const { revision, ...input } = request.body;
      return putPreference(store, await ctx(store, request), request.params.itemId, revision, input);
    },
  );
}
