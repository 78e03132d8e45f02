import { z } from 'zod';
import {
  agreementNow,
  agreementOn,
  closeTrack,
  markAgreed,
  markTextAgreed,
  reopenPoint,
  reopenTrack,
  takeBackMark,
} from '../../store/agreement.ts';
import { bracketLives, bracketLivesNow, closeBracket } from '../../store/brackets.ts';
import { versionProvenance } from '../../store/provenance.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, negotiationParams, problems, type App } from './shared.ts';

const versionParams = z.object({ id: s.idSchema, versionId: s.idSchema });
const pointParams = versionParams.extend({ pointId: s.idSchema });
const bracketParams = versionParams.extend({ bracketId: s.idSchema });
const trackParams = z.object({ id: s.idSchema, trackId: s.idSchema });

/** Nothing is agreed until everything is agreed: marks, tracks closed, the lock, brackets closed, provenance. */
export function agreementRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/agreement',
    {
      schema: { tags: ['agreement'], params: negotiationParams, response: { 200: s.agreementViewSchema, ...problems } },
    },
    async (request) => agreementNow(store, await ctx(store, request)),
  );
  app.get(
    '/api/negotiations/:id/versions/:versionId/agreement',
    { schema: { tags: ['agreement'], params: versionParams, response: { 200: s.agreementViewSchema, ...problems } } },
    async (request) => agreementOn(store, await ctx(store, request), request.params.versionId),
  );
  app.put(
    '/api/negotiations/:id/versions/:versionId/agreement',
    {
      schema: {
        tags: ['agreement'],
        params: versionParams,
        body: s.agreementMarkBodySchema,
        response: { 200: s.agreementViewSchema, ...problems },
      },
    },
    async (request) => markTextAgreed(store, await ctx(store, request), request.params.versionId, request.body.partyId),
  );
  app.put(
    '/api/negotiations/:id/versions/:versionId/points/:pointId/agreement',
    {
      schema: {
        tags: ['agreement'],
        params: pointParams,
        body: s.agreementMarkBodySchema,
        response: { 200: s.agreementViewSchema, ...problems },
      },
    },
    async (request) =>
      markAgreed(
        store,
        await ctx(store, request),
        request.params.versionId,
        request.params.pointId,
        request.body.partyId,
      ),
  );
  app.delete(
    '/api/negotiations/:id/versions/:versionId/points/:pointId/agreement',
    {
      schema: {
        tags: ['agreement'],
        params: pointParams,
        querystring: s.agreementMarkBodySchema,
        response: { 200: s.agreementViewSchema, ...problems },
      },
    },
    async (request) =>
      takeBackMark(
        store,
        await ctx(store, request),
        request.params.versionId,
        request.params.pointId,
        request.query.partyId,
      ),
  );
  app.post(
    '/api/negotiations/:id/agreement/reopen',
    {
      schema: {
        tags: ['agreement'],
        params: negotiationParams,
        body: s.agreementReopenSchema,
        response: { 200: s.agreementViewSchema, ...problems },
      },
    },
    async (request) => reopenPoint(store, await ctx(store, request), request.body.pointId, request.body.reason),
  );
  app.post(
    '/api/negotiations/:id/tracks/:trackId/close',
    { schema: { tags: ['tracks'], params: trackParams, response: { 200: s.trackSchema, ...problems } } },
    async (request) => closeTrack(store, await ctx(store, request), request.params.trackId),
  );
  app.post(
    '/api/negotiations/:id/tracks/:trackId/reopen',
    { schema: { tags: ['tracks'], params: trackParams, response: { 200: s.trackSchema, ...problems } } },
    async (request) => reopenTrack(store, await ctx(store, request), request.params.trackId),
  );
  app.get(
    '/api/negotiations/:id/brackets',
    { schema: { tags: ['brackets'], params: negotiationParams, response: { 200: s.bracketLivesSchema, ...problems } } },
    async (request) => bracketLivesNow(store, await ctx(store, request)),
  );
  app.get(
    '/api/negotiations/:id/versions/:versionId/brackets',
    { schema: { tags: ['brackets'], params: versionParams, response: { 200: s.bracketLivesSchema, ...problems } } },
    async (request) => bracketLives(store, await ctx(store, request), request.params.versionId),
  );
  app.post(
    '/api/negotiations/:id/versions/:versionId/brackets/:bracketId/close',
    {
      schema: {
        tags: ['brackets'],
        params: bracketParams,
        body: s.bracketCloseSchema,
        response: { 201: s.bracketClosedSchema, ...problems },
      },
    },
    async (request, reply) =>
      created(
        reply,
        await closeBracket(
          store,
          await ctx(store, request),
          request.params.versionId,
          request.params.bracketId,
          request.body as Parameters<typeof closeBracket>[4],
        ),
      ),
  );
  app.get(
    '/api/negotiations/:id/versions/:versionId/provenance',
    { schema: { tags: ['provenance'], params: versionParams, response: { 200: s.provenanceSchema, ...problems } } },
    async (request) => versionProvenance(store, await ctx(store, request), request.params.versionId),
  );
}
