import { z } from 'zod';
import { addParty, listParties, updateParty } from '../../store/parties.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, itemParams, negotiationParams, problems, type App } from './shared.ts';

/** The parties and coalitions at the table. */
export function partiesRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/parties',
    { schema: { tags: ['people'], params: negotiationParams, response: { 200: z.array(s.partySchema), ...problems } } },
    async (request) => listParties(store, await ctx(store, request)),
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
  app.patch(
    '/api/negotiations/:id/parties/:itemId',
    {
      schema: {
        tags: ['people'],
        summary: 'Change a party or coalition',
        description:
          "A mediator of the negotiation: the name, a coalition's members, or its scope (pointIds), at a revision.",
        params: itemParams,
        body: s.partyPatchSchema,
        response: { 200: s.partySchema, ...problems },
      },
    },
    async (request) => {
      const { revision, ...patch } = request.body;
      return updateParty(store, await ctx(store, request), request.params.itemId, revision, patch);
    },
  );
}
