import { FileRefused, IMPORT_LIMITS, megabytes } from '../../formats/errors.ts';
import type { ImportFile } from '../../formats/types.ts';
import { importNegotiation, importVersion } from '../../store/imports.ts';
import type { Store } from '../../store/store.ts';
import { recogniseOffLoop } from '../file-worker.ts';
import { problemFor, sendProblem } from '../problems.ts';
import * as s from '../schemas.ts';
import { created, ctx, me, negotiationParams, problems, type App } from './shared.ts';

/**
 * A file in: the file is the raw request body, sent with its media type (a .docx, Markdown, plain
 * text), its name in `?name=`. The body may be up to the import limit, larger than a JSON body; every
 * media type reaches the route, which names the kinds it reads when it reads none.
 */
export async function importsRoutes(app: App, store: Store): Promise<void> {
  await app.register(async (scope: App) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: IMPORT_LIMITS.fileBytes }, (_request, body, done) =>
      done(null, body),
    );
    scope.setErrorHandler((error, request, reply) => {
      const problem =
        (error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? {
              status: 413,
              title: 'Content Too Large',
              detail: `the file is larger than the ${megabytes(IMPORT_LIMITS.fileBytes)} Parley reads; split the text into several files`,
            }
          : problemFor(error);
      if (problem.status >= 500) request.log.error({ err: error, route: request.routeOptions.url }, 'unexpected error');
      return sendProblem(reply, problem);
    });
    const limits = { bodyLimit: IMPORT_LIMITS.fileBytes };

    scope.post(
      '/api/negotiations/:id/imports/preview',
      {
        ...limits,
        schema: {
          tags: ['document'],
          params: negotiationParams,
          querystring: s.importQuerySchema,
          response: { 200: s.recognisedTextSchema, ...problems },
        },
      },
      async (request) => {
        await ctx(store, request);
        return recogniseOffLoop(fileOf(request));
      },
    );
    scope.post(
      '/api/negotiations/:id/imports',
      {
        ...limits,
        schema: {
          tags: ['document'],
          params: negotiationParams,
          querystring: s.importVersionQuerySchema,
          response: { 201: s.versionSchema, ...problems },
        },
      },
      async (request, reply) => {
        const reader = await ctx(store, request);
        const file = fileOf(request);
        const recognised = await recogniseOffLoop(file);
        const { label, parentId, authorPartyId } = request.query;
        return created(
          reply,
          await importVersion(store, reader, recognised, { label, parentId, authorPartyId, fileName: file.name }),
        );
      },
    );
    scope.post(
      '/api/imports',
      {
        ...limits,
        schema: {
          tags: ['negotiations'],
          querystring: s.importNegotiationQuerySchema,
          response: { 201: s.importedNegotiationSchema, ...problems },
        },
      },
      async (request, reply) => {
        const file = fileOf(request);
        const recognised = await recogniseOffLoop(file);
        return created(
          reply,
          await importNegotiation(store, me(request), recognised, { title: request.query.title, fileName: file.name }),
        );
      },
    );
  });
}

/** The file a request carries: its body, its media type and the name it gives. */
function fileOf(request: { body: unknown; headers: Record<string, unknown>; query: { name: string } }): ImportFile {
  if (!Buffer.isBuffer(request.body) || request.body.length === 0)
    throw new FileRefused(
      415,
      'send the file itself as the request body, with its media type (e.g. Content-Type: text/markdown), and its name in ?name=',
    );
  const body = request.body;
  return {
    bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
    name: request.query.name,
    mediaType: String(request.headers['content-type'] ?? ''),
  };
}
