import { z } from 'zod';
import { redLineReport } from '../../store/red-lines.ts';
import { decideOnText, versionApprovals } from '../../store/transmission.ts';
import { compare, createVersion, transmitVersion, withdrawVersion } from '../../store/versions.ts';
import { document, getVersion, listVersions } from '../../store/texts.ts';
import type { Store } from '../../store/store.ts';
import { versionInLanguage } from '../../core/languages.ts';
import * as s from '../schemas.ts';
import { created, ctx, itemParams, negotiationParams, problems, type App } from './shared.ts';

/** The document and its versions: reading, writing, comparing, sending, approving. */
export function versionsRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/document',
    {
      schema: {
        tags: ['document'],
        params: negotiationParams,
        querystring: z.object({ version: s.idSchema.optional(), lang: s.langQuery }),
        response: { 200: s.versionSchema, ...problems },
      },
    },
    async (request) => {
      const context = await ctx(store, request);
      return versionInLanguage(
        await document(store, context, request.query.version),
        context.negotiation,
        request.query.lang,
      );
    },
  );
  app.get(
    '/api/negotiations/:id/versions',
    {
      schema: {
        tags: ['document'],
        params: negotiationParams,
        querystring: z.object({
          withdrawn: z.enum(['true', 'false']).default('false').describe('true: include withdrawn versions'),
        }),
        response: { 200: z.array(s.versionSchema), ...problems },
      },
    },
    async (request) =>
      (await listVersions(store, await ctx(store, request))).filter(
        (v) => request.query.withdrawn === 'true' || !v.withdrawnAt,
      ),
  );
  app.post(
    '/api/negotiations/:id/versions',
    {
      schema: {
        tags: ['document'],
        params: negotiationParams,
        body: s.versionCreateSchema,
        response: { 201: s.versionSchema, ...problems },
      },
    },
    async (request, reply) => created(reply, await createVersion(store, await ctx(store, request), request.body)),
  );
  app.get(
    '/api/negotiations/:id/versions/:itemId',
    {
      schema: {
        tags: ['document'],
        params: itemParams,
        querystring: z.object({ lang: s.langQuery }),
        response: { 200: s.versionSchema, ...problems },
      },
    },
    async (request) => {
      const context = await ctx(store, request);
      return versionInLanguage(
        await getVersion(store, context, request.params.itemId),
        context.negotiation,
        request.query.lang,
      );
    },
  );
  app.get(
    '/api/negotiations/:id/versions/:itemId/compare',
    {
      schema: {
        tags: ['document'],
        params: itemParams,
        querystring: z.object({ base: s.idSchema.optional(), lang: s.langQuery }),
        response: { 200: s.comparisonSchema, ...problems },
      },
    },
    async (request) =>
      compare(store, await ctx(store, request), request.params.itemId, request.query.base, request.query.lang),
  );
  app.post(
    '/api/negotiations/:id/versions/:itemId/transmit',
    {
      schema: {
        tags: ['document'],
        params: itemParams,
        body: s.transmitSchema,
        response: { 200: s.deliverySchema, ...problems },
      },
    },
    async (request) =>
      transmitVersion(
        store,
        await ctx(store, request),
        request.params.itemId,
        request.body.partyIds,
        request.body.toMediators,
      ),
  );
  app.get(
    '/api/negotiations/:id/versions/:itemId/approvals',
    { schema: { tags: ['approvals'], params: itemParams, response: { 200: s.textApprovalsSchema, ...problems } } },
    async (request) => versionApprovals(store, await ctx(store, request), request.params.itemId),
  );
  app.post(
    '/api/negotiations/:id/versions/:itemId/approvals',
    {
      schema: {
        tags: ['approvals'],
        params: itemParams,
        body: s.decisionSchema,
        response: { 200: s.textApprovalsSchema, ...problems },
      },
    },
    async (request) => decideOnText(store, await ctx(store, request), request.params.itemId, request.body),
  );
  app.get(
    '/api/negotiations/:id/versions/:itemId/red-lines',
    { schema: { tags: ['red lines'], params: itemParams, response: { 200: s.redLineReportSchema, ...problems } } },
    async (request) => redLineReport(store, await ctx(store, request), request.params.itemId),
  );
  app.post(
    '/api/negotiations/:id/versions/:itemId/withdraw',
    {
      schema: {
        tags: ['document'],
        summary: 'Withdraw a version',
        description:
          "The author party's principal or lead (a mediator for a text of the table). It stays in the history and the audit, marked, and is no longer sent, approved, current, or counted in progress.",
        params: itemParams,
        response: { 200: s.versionSchema, ...problems },
      },
    },
    async (request) => withdrawVersion(store, await ctx(store, request), request.params.itemId),
  );
}
