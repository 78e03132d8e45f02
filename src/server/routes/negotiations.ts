import { z } from 'zod';
import { createNegotiation, listNegotiations, negotiationFor, updateNegotiation } from '../../store/negotiations.ts';
import { setLanguages } from '../../store/languages.ts';
import type { Store } from '../../store/store.ts';
import { listParties } from '../../store/parties.ts';
import * as s from '../schemas.ts';
import { created, ctx, me, negotiationParams, problems, type App } from './shared.ts';

/** Negotiations: listing, opening and changing them. */
export function negotiationsRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations',
    { schema: { tags: ['negotiations'], response: { 200: z.array(s.negotiationSchema), ...problems } } },
    (request) => listNegotiations(store, me(request)),
  );
  app.post(
    '/api/negotiations',
    {
      schema: {
        tags: ['negotiations'],
        body: s.negotiationCreateSchema,
        response: { 201: s.negotiationSchema, ...problems },
      },
    },
    async (request, reply) => created(reply, await createNegotiation(store, me(request), request.body)),
  );
  app.get(
    '/api/negotiations/:id',
    {
      schema: {
        tags: ['negotiations'],
        params: negotiationParams,
        response: { 200: s.negotiationSchema, ...problems },
      },
    },
    async (request) => negotiationFor(store, await ctx(store, request)),
  );
  app.get(
    '/api/negotiations/:id/seat',
    {
      schema: {
        tags: ['negotiations'],
        summary: 'Your seat',
        description:
          'Its members, for themselves: through whose eyes they read the negotiation (their seat, its party, and the parties whose internal material they see and whose texts they send). The web app shows it on every page.',
        params: negotiationParams,
        response: { 200: s.seatSchema, ...problems },
      },
    },
    async (request) => {
      const context = await ctx(store, request);
      const membership = context.memberships.find((m) => m.userId === context.user.id)!;
      return {
        membership,
        party: (await listParties(store, context)).find((p) => p.id === membership.partyId) ?? null,
        isMediator: context.scope.isMediator,
        partyIds: context.scope.partyIds,
        sendingPartyIds: context.scope.sendingPartyIds,
      };
    },
  );
  app.patch(
    '/api/negotiations/:id',
    {
      schema: {
        tags: ['negotiations'],
        params: negotiationParams,
        body: s.negotiationPatchSchema,
        response: { 200: s.negotiationSchema, ...problems },
      },
    },
    async (request) => {
      const { revision, ...patch } = request.body;
      return updateNegotiation(store, await ctx(store, request), revision, patch);
    },
  );
  app.put(
    '/api/negotiations/:id/languages',
    {
      schema: {
        tags: ['negotiations'],
        summary: "Set the languages of the negotiation's text",
        description:
          "Mediators only, not while the text is locked. The drafting language is set before the first version; a language some version is translated into stays. A point's translations must be in these languages; which are behind is computed when each version is made.",
        params: negotiationParams,
        body: s.languagesPutSchema,
        response: { 200: s.negotiationSchema, ...problems },
      },
    },
    async (request) => {
      const { revision, ...languages } = request.body;
      return setLanguages(store, await ctx(store, request), revision, languages);
    },
  );
}
