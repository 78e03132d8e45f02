import { versionUtilities } from '../../store/utilities.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { ctx, negotiationParams, problems, type App } from './shared.ts';

/** What each version is worth to the parties whose utilities the reader may read. */
export function utilitiesRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/utilities',
    {
      schema: {
        tags: ['settlement'],
        params: negotiationParams,
        response: { 200: s.utilitiesSchema, ...problems },
      },
    },
    async (request) => versionUtilities(store, await ctx(store, request)),
  );
}
