import { z } from 'zod';
import {
  consolidateAmendments,
  decideAmendment,
  editAmendment,
  listAllAmendments,
  listAmendments,
  proposeAmendment,
  tableAmendment,
  withdrawAmendment,
} from '../../store/amendments.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, itemParams, negotiationParams, problems, type App } from './shared.ts';

/** Amendments to a version: proposing, tabling, deciding, withdrawing, and consolidating them into the next version. */
export function amendmentsRoutes(app: App, store: Store): void {
  const amendment = { 200: s.amendmentSchema, ...problems };
  app.get(
    '/api/negotiations/:id/amendments',
    {
      schema: {
        tags: ['amendments'],
        params: negotiationParams,
        response: { 200: z.array(s.amendmentSchema), ...problems },
      },
    },
    async (request) => listAllAmendments(store, await ctx(store, request)),
  );
  app.get(
    '/api/negotiations/:id/versions/:itemId/amendments',
    {
      schema: {
        tags: ['amendments'],
        params: itemParams,
        response: { 200: z.array(s.amendmentSchema), ...problems },
      },
    },
    async (request) => listAmendments(store, await ctx(store, request), request.params.itemId),
  );
  app.post(
    '/api/negotiations/:id/versions/:itemId/amendments',
    {
      schema: {
        tags: ['amendments'],
        params: itemParams,
        body: s.amendmentCreateSchema,
        response: { 201: s.amendmentSchema, ...problems },
      },
    },
    async (request, reply) =>
      created(reply, await proposeAmendment(store, await ctx(store, request), request.params.itemId, request.body)),
  );
  app.patch(
    '/api/negotiations/:id/amendments/:itemId',
    { schema: { tags: ['amendments'], params: itemParams, body: s.amendmentPatchSchema, response: amendment } },
    async (request) => editAmendment(store, await ctx(store, request), request.params.itemId, request.body),
  );
  app.post(
    '/api/negotiations/:id/amendments/:itemId/table',
    { schema: { tags: ['amendments'], params: itemParams, body: s.amendmentTableSchema, response: amendment } },
    async (request) => tableAmendment(store, await ctx(store, request), request.params.itemId, request.body.to),
  );
  app.post(
    '/api/negotiations/:id/amendments/:itemId/decision',
    { schema: { tags: ['amendments'], params: itemParams, body: s.amendmentDecisionSchema, response: amendment } },
    async (request) => decideAmendment(store, await ctx(store, request), request.params.itemId, request.body),
  );
  app.post(
    '/api/negotiations/:id/amendments/:itemId/withdraw',
    { schema: { tags: ['amendments'], params: itemParams, response: amendment } },
    async (request) => withdrawAmendment(store, await ctx(store, request), request.params.itemId),
  );
  app.post(
    '/api/negotiations/:id/versions/:itemId/consolidate',
    {
      schema: {
        tags: ['amendments'],
        params: itemParams,
        body: s.consolidateSchema,
        response: { 201: s.versionSchema, ...problems },
      },
    },
    async (request, reply) =>
      created(
        reply,
        await consolidateAmendments(store, await ctx(store, request), request.params.itemId, request.body),
      ),
  );
}
