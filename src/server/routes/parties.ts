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
        summary: 'Add a party, or propose a coalition',
        description:
          'A mediator adds a party (201). A coalition is proposed (by a mediator, or a principal or lead of one of its parties) and made when each of its member parties consents through its principal or lead (202 with the proposal; 201 when no consent is awaited).',
        body: s.partyCreateSchema,
        response: { 201: s.partySchema, 202: s.proposalSchema, ...problems },
      },
    },
    async (request, reply) => {
      const outcome = await addParty(store, await ctx(store, request), request.body);
      return outcome.kind === 'party' ? created(reply, outcome.party) : reply.code(202).send(outcome.proposal);
    },
  );
  app.patch(
    '/api/negotiations/:id/parties/:itemId',
    {
      schema: {
        tags: ['people'],
        summary: 'Change a party or coalition',
        description:
          "A mediator of the negotiation: the name, or a coalition's scope (pointIds), at a revision (200). A coalition's members change only with the consent of each party joining or leaving and each current member party, through its principal or lead: the change is a proposal (202) that takes effect at the last consent, and never hands a joining party texts the transmission rules hold back from it.",
        params: itemParams,
        body: s.partyPatchSchema,
        response: { 200: s.partySchema, 202: s.proposalSchema, ...problems },
      },
    },
    async (request, reply) => {
      const { revision, ...patch } = request.body;
      const outcome = await updateParty(store, await ctx(store, request), request.params.itemId, revision, patch);
      return outcome.kind === 'party' ? outcome.party : reply.code(202).send(outcome.proposal);
    },
  );
}
