// The files' worker thread (file-worker.ts): reads imported files and writes exported ones off the
// event loop. Compiled, it runs as dist/server/file-worker-main.js; from the sources,
// file-worker-entry.js registers tsx and imports it.
import { parentPort } from 'node:worker_threads';
import { FileRefused } from '../formats/errors.ts';
import { versionFormat } from '../formats/index.ts';
import { recogniseFile } from '../formats/import-text.ts';
import type { FileReply, FileRequest } from './file-worker.ts';

const port = parentPort!;
port.on('message', (request: FileRequest) => {
  void answer(request).then((reply) => port.postMessage(reply));
});

async function answer(request: FileRequest): Promise<FileReply> {
  try {
    if (request.kind === 'recognise') return { id: request.id, result: await recogniseFile(request.file) };
    const format = versionFormat(request.format);
    if (!format || format.kind !== 'file') return { id: request.id, error: `no file format "${request.format}"` };
    return { id: request.id, result: await format.render(request.input) };
  } catch (error) {
    if (error instanceof FileRefused)
      return { id: request.id, refused: { statusCode: error.statusCode, message: error.message } };
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}
