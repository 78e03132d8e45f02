import { z } from 'zod';
import { createDraft, discardDraft, getDraft, issueDraft, listDrafts, saveDraft } from '../../store/drafts.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, itemParams, negotiationParams, problems, type App } from './shared.ts';

/** Drafts: texts written in place, saved at a revision as they are typed, issued as versions. */
export function draftsRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/drafts',
    {
      schema: {
        tags: ['drafts'],
        params: negotiationParams,
        response: { 200: z.array(s.draftSummarySchema), ...problems },
      },
    },
    async (request) => listDrafts(store, await ctx(store, request)),
  );
  app.post(
    '/api/negotiations/:id/drafts',
    {
      schema: {
        tags: ['drafts'],
        params: negotiationParams,
        body: s.draftCreateSchema,
        response: { 201: s.draftSchema, ...problems },
      },
    },
    async (request, reply) => created(reply, await createDraft(store, await ctx(store, request), request.body)),
  );
  app.get(
    '/api/negotiations/:id/drafts/:itemId',
    { schema: { tags: ['drafts'], params: itemParams, response: { 200: s.draftSchema, ...problems } } },
    async (request) => getDraft(store, await ctx(store, request), request.params.itemId),
  );
  app.put(
    '/api/negotiations/:id/drafts/:itemId',
    {
      schema: {
        tags: ['drafts'],
        params: itemParams,
        body: s.draftSaveSchema,
        response: { 200: s.draftSchema, ...problems },
      },
    },
    async (request) => {
      const { revision, ...content } = request.body;
      return saveDraft(store, await ctx(store, request), request.params.itemId, revision, content);
    },
  );
  app.post(
    '/api/negotiations/:id/drafts/:itemId/issue',
    { schema: { tags: ['drafts'], params: itemParams, response: { 201: s.versionSchema, ...problems } } },
    async (request, reply) => created(reply, await issueDraft(store, await ctx(store, request), request.params.itemId)),
  );
  app.delete(
    '/api/negotiations/:id/drafts/:itemId',
    { schema: { tags: ['drafts'], params: itemParams, response: { 204: z.null(), ...problems } } },
    async (request, reply) => {
      await discardDraft(store, await ctx(store, request), request.params.itemId);
      return reply.code(204).send(null);
    },
  );
}
