import { invalid } from '../../core/errors.ts';
import { VERSION_FORMATS, exportFileName, versionFormat } from '../../formats/index.ts';
import { exportInput } from '../../store/exports.ts';
import { renderOffLoop } from '../file-worker.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { ctx, itemParams, problems, type App } from './shared.ts';

/** A version as a file: the reader's view of it, in a format and a language. */
export function exportsRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/versions/:itemId/export',
    {
      schema: {
        tags: ['document'],
        params: itemParams,
        querystring: s.exportQuerySchema,
        response: { 200: s.exportFileSchema, ...problems },
      },
    },
    async (request, reply) => {
      const { format: name, lang, compare } = request.query;
      const format = versionFormat(name);
      if (!format)
        throw invalid(
          'format',
          `Parley writes no "${name}" file; choose one of ${VERSION_FORMATS.map((f) => f.name).join(', ')}`,
        );
      const reader = await ctx(store, request);
      const input = await exportInput(store, reader, request.params.itemId, { lang, compare, now: store.nowIso() });
      const label = input.compareWith ? `${input.version.label} vs ${input.compareWith.label}` : input.version.label;
      const fileName = exportFileName(input.negotiation.title, label, input.lang, format.extension);
      // A print format's page is printed by Chromium (server/pdf.ts): 503 with how to fix it when it is missing.
      const file =
        format.kind === 'print'
          ? await (await import('../pdf.ts')).printVersion(format, input)
          : await renderOffLoop(format.name, input);
      return (
        reply
          .header('content-disposition', `attachment; filename="${fileName}"`)
          .type(format.mediaType)
          .serializer((payload: unknown) => payload as string)
          // A Word file's bytes go as they are; the schema's string is the OpenAPI document's word for a file.
          .send(
            (typeof file === 'string' ? file : Buffer.from(file.buffer, file.byteOffset, file.byteLength)) as string,
          )
      );
    },
  );
}
