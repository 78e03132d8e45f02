import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { geniusUnzip, geniusZip, GeniusMappingError, GENIUS_IMPORT_LIMITS } from '../../formats/genius.ts';
import { invalid } from '../../core/errors.ts';
import { exportGenius, importGenius } from '../../store/genius.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, me, negotiationParams, problems, type App } from './shared.ts';

/** The media types a GENIUS import is sent as: a zip of the domain and its profiles. */
export const ZIP_TYPES = ['application/zip', 'application/x-zip-compressed'];

/**
 * GENIUS both ways: a negotiation's issues, options and the preferences the reader may see as a zip
 * of a GENIUS domain and profiles; and an ANAC domain with its profiles (zipped) as a new negotiation.
 */
export function geniusRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/export',
    {
      schema: {
        tags: ['negotiations'],
        params: negotiationParams,
        querystring: s.geniusExportQuery,
        response: { ...problems },
      },
    },
    async (request, reply) => {
      const context = await ctx(store, request);
      const files = await exportGenius(store, context);
      const name = files[0]!.name.replace(/-domain\.xml$/, '');
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${name}-genius.zip"`)
        .send(Buffer.from(geniusZip(files)) as never);
    },
  );
  // The zip parser belongs to this route alone: every other route still answers 415 to a zip.
  void app.register(async (scoped) => {
    scoped.addContentTypeParser(
      ZIP_TYPES,
      { parseAs: 'buffer', bodyLimit: GENIUS_IMPORT_LIMITS.maxBytes },
      (_request, body, done) => done(null, body),
    );
    scoped.withTypeProvider<ZodTypeProvider>().post(
      '/api/imports/genius',
      {
        schema: {
          tags: ['negotiations'],
          response: { 201: s.geniusImportedSchema, ...problems },
        },
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body))
          throw invalid('body', 'send the GENIUS domain and its profiles as one zip (Content-Type: application/zip)');
        let files;
        try {
          files = geniusUnzip(new Uint8Array(request.body));
        } catch (error) {
          if (error instanceof GeniusMappingError) throw invalid(error.field, error.message);
          throw error;
        }
        return created(reply, await importGenius(store, me(request), files));
      },
    );
  });
}
