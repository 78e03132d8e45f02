import { z } from 'zod';
import { createStatement, listStatements, retractStatement } from '../../store/statements.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, itemParams, negotiationParams, problems, type App } from './shared.ts';

/** Public statements. */
export function statementsRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/statements',
    {
      schema: {
        tags: ['statements'],
        params: negotiationParams,
        querystring: z.object({
          retracted: z.enum(['true', 'false']).default('false').describe('true: include retracted statements'),
        }),
        response: { 200: z.array(s.statementSchema), ...problems },
      },
    },
    async (request) =>
      (await listStatements(store, await ctx(store, request))).filter(
        (st) => request.query.retracted === 'true' || !st.retractedAt,
      ),
  );
  app.post(
    '/api/negotiations/:id/statements',
    {
      schema: {
        tags: ['statements'],
        params: negotiationParams,
        body: s.statementCreateSchema,
        response: { 201: s.statementSchema, ...problems },
      },
    },
    async (request, reply) => created(reply, await createStatement(store, await ctx(store, request), request.body)),
  );
  app.post(
    '/api/negotiations/:id/statements/:itemId/retract',
    {
      schema: {
        tags: ['statements'],
        summary: 'Retract a statement',
        description:
          'Its mediators: recorded in error, or withdrawn by its speaker. It stays, marked, and leaves the default listing.',
        params: itemParams,
        response: { 200: s.statementSchema, ...problems },
      },
    },
    async (request) => retractStatement(store, await ctx(store, request), request.params.itemId),
  );
}
