import { progress } from '../../store/progress.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { ctx, negotiationParams, problems, type App } from './shared.ts';

/** Progress over versions and rounds. */
export function progressRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/progress',
    { schema: { tags: ['progress'], params: negotiationParams, response: { 200: s.progressSchema, ...problems } } },
    async (request) => progress(store, await ctx(store, request)),
  );
}
