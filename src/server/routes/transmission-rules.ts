import { z } from 'zod';
import { consentToRuleChange, createRule, proposeRuleChange } from '../../store/transmission.ts';
import { listRules } from '../../store/rules.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { changeParams, created, ctx, itemParams, negotiationParams, problems, type App } from './shared.ts';

/** Transmission rules: what may go to whom. */
export function transmissionRulesRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/transmission-rules',
    {
      schema: {
        tags: ['approvals'],
        params: negotiationParams,
        response: { 200: z.array(s.transmissionRuleSchema), ...problems },
      },
    },
    async (request) => listRules(store, await ctx(store, request)),
  );
  app.post(
    '/api/negotiations/:id/transmission-rules',
    {
      schema: {
        tags: ['approvals'],
        params: negotiationParams,
        body: s.ruleCreateSchema,
        response: { 201: s.transmissionRuleSchema, ...problems },
      },
    },
    async (request, reply) => created(reply, await createRule(store, await ctx(store, request), request.body)),
  );
  app.post(
    '/api/negotiations/:id/transmission-rules/:itemId/changes',
    {
      schema: {
        tags: ['approvals'],
        params: itemParams,
        body: s.ruleChangeSchema,
        response: { 200: s.transmissionRuleSchema, ...problems },
      },
    },
    async (request) =>
      proposeRuleChange(
        store,
        await ctx(store, request),
        request.params.itemId,
        request.body.revision,
        request.body.remove ? null : request.body.terms!,
      ),
  );
  app.post(
    '/api/negotiations/:id/transmission-rules/:itemId/changes/:changeId/consent',
    { schema: { tags: ['approvals'], params: changeParams, response: { 200: s.transmissionRuleSchema, ...problems } } },
    async (request) =>
      consentToRuleChange(store, await ctx(store, request), request.params.itemId, request.params.changeId),
  );
}
