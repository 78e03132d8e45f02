import { z } from 'zod';
import { getReceipt, history, listReceipts } from '../../store/history.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { ctx, negotiationParams, problems, type App } from './shared.ts';

const pageQuery = z.object({
  before: z.coerce.number().int().min(1).optional().describe('Events older than this sequence number'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('How many (default 50, at most 200)'),
});

/** The history of a negotiation and the receipts its reader's party holds. */
export function historyRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/history',
    {
      schema: {
        tags: ['audit'],
        params: negotiationParams,
        querystring: pageQuery,
        response: { 200: s.historyPageSchema, ...problems },
      },
    },
    async (request) => history(store, await ctx(store, request), request.query),
  );
  app.get(
    '/api/negotiations/:id/receipts',
    {
      schema: {
        tags: ['audit'],
        params: negotiationParams,
        querystring: pageQuery,
        response: {
          200: z.object({
            receipts: z.array(s.receiptSchema),
            nextBefore: z
              .number()
              .int()
              .nullable()
              .describe('Pass as ?before= for older receipts; null when none is left'),
          }),
          ...problems,
        },
      },
    },
    async (request) => listReceipts(store, await ctx(store, request), request.query),
  );
  app.get(
    '/api/negotiations/:id/receipts/:seq',
    {
      schema: {
        tags: ['audit'],
        params: negotiationParams.extend({ seq: z.coerce.number().int().min(1) }),
        response: { 200: s.receiptSchema, ...problems },
      },
    },
    async (request, reply) => {
      const receipt = await getReceipt(store, await ctx(store, request), request.params.seq);
      reply.header(
        'content-disposition',
        `attachment; filename="parley-receipt-${receipt.negotiationId}-${receipt.event.seq}.json"`,
      );
      return receipt;
    },
  );
}
