import { z } from 'zod';
import { addParty } from '../../store/parties.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, negotiationParams, problems, type App } from './shared.ts';

/** The parties and coalitions at the table. */
export function partiesRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/parties',
    { schema: { tags: ['people'], params: negotiationParams, response: { 200: z.array(s.partySchema), ...problems } } },
    async (request) => (await ctx(store, request)).parties,
  );
  app.post(
    '/api/negotiations/:id/parties',
    {
      schema: {
        tags: ['people'],
        params: negotiationParams,
        body: s.partyCreateSchema,
        response: { 201: s.partySchema, ...problems },
      },
    },
    async (request, reply) => created(reply, await addParty(store, await ctx(store, request), request.body)),
  );
}
