import { z } from 'zod';
import { createStatement, listStatements } from '../../store/statements.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, negotiationParams, problems, type App } from './shared.ts';

/** Public statements. */
export function statementsRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/statements',
    {
      schema: {
        tags: ['statements'],
        params: negotiationParams,
        response: { 200: z.array(s.statementSchema), ...problems },
      },
    },
    async (request) => listStatements(store, await ctx(store, request)),
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
}
