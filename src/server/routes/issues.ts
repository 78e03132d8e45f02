import { z } from 'zod';
import { createIssue, listIssues, retireOption, updateIssue } from '../../store/issues.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, itemParams, negotiationParams, problems, type App } from './shared.ts';

/** Issues and their options. */
export function issuesRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/issues',
    { schema: { tags: ['issues'], params: negotiationParams, response: { 200: z.array(s.issueSchema), ...problems } } },
    async (request) => listIssues(store, await ctx(store, request)),
  );
  app.post(
    '/api/negotiations/:id/issues',
    {
      schema: {
        tags: ['issues'],
        params: negotiationParams,
        body: s.issueCreateSchema,
        response: { 201: s.issueSchema, ...problems },
      },
    },
    async (request, reply) => created(reply, await createIssue(store, await ctx(store, request), request.body)),
  );
  app.patch(
    '/api/negotiations/:id/issues/:itemId',
    {
      schema: {
        tags: ['issues'],
        params: itemParams,
        body: s.issuePatchSchema,
        response: { 200: s.issueSchema, ...problems },
      },
    },
    async (request) => {
      const { revision, ...patch } = request.body;
      return updateIssue(store, await ctx(store, request), request.params.itemId, revision, patch);
    },
  );
  app.post(
    '/api/negotiations/:id/issues/:itemId/options/:optionId/retire',
    {
      schema: {
        tags: ['issues'],
        summary: 'Retire an option',
        description:
          'Its mediators. Drafts that chose it keep it; new drafts may not choose it; analyses leave it out.',
        params: z.object({ id: s.idSchema, itemId: s.idSchema, optionId: s.idSchema }),
        response: { 200: s.issueSchema, ...problems },
      },
    },
    async (request) => retireOption(store, await ctx(store, request), request.params.itemId, request.params.optionId),
  );
}
