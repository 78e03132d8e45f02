import { Worker } from 'node:worker_threads';
import { FileRefused } from '../formats/errors.ts';
import type { ExportInput, ImportFile, RecognisedText } from '../formats/types.ts';

/** Below this many bytes a file is read in place: a message round trip would cost more than reading it. */
const IN_PLACE_BYTES = 64 * 1024;
/** Below this many characters of text a version is written in place. */
const IN_PLACE_CHARACTERS = 50_000;

/**
 * The worker's script, next to this module: compiled, file-worker-main.js; from the sources (under
 * tsx, as in the tests), file-worker-entry.js, which registers tsx before importing file-worker-main.ts.
 */
const ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './file-worker-entry.js' : './file-worker-main.js',
  import.meta.url,
);

/** What the main thread asks of the files' worker. */
export type FileRequest =
  | { id: number; kind: 'recognise'; file: ImportFile }
  | { id: number; kind: 'render'; format: string; input: ExportInput };

/** What it answers: the result, or a refusal (a file refused in words) or another error. */
export type FileReply =
  | { id: number; result: RecognisedText | Uint8Array | string }
  | { id: number; refused: { statusCode: 413 | 415 | 422; message: string } }
  | { id: number; error: string };

type Pending = { resolve: (result: never) => void; reject: (error: Error) => void };

let worker: Worker | null = null;
let next = 0;
const pending = new Map<number, Pending>();

/**
 * What a file holds as a text (`recogniseFile`), read off the event loop when it is large: a 5 MB
 * Akoma Ntoso or Word file takes seconds to parse, and no request may hold the server that long.
 *
 * @example (await recogniseOffLoop({ bytes, name: 'plan.docx', mediaType: DOCX })).points.length // 19
 */
export async function recogniseOffLoop(file: ImportFile): Promise<RecognisedText> {
  if (file.bytes.byteLength <= IN_PLACE_BYTES) return (await import('../formats/import-text.ts')).recogniseFile(file);
  return ask<RecognisedText>({ id: ++next, kind: 'recognise', file });
}

/** A version's file in a format of the registry (`kind: 'file'`), written off the event loop when the text is long. */
export async function renderOffLoop(format: string, input: ExportInput): Promise<Uint8Array | string> {
  const { versionFormat } = await import('../formats/index.ts');
  const entry = versionFormat(format);
  if (!entry) throw new Error(`no format "${format}"`);
  const { pointsTextLength } = await import('../core/document.ts');
  const characters =
    pointsTextLength(input.version.points) + (input.compareWith ? pointsTextLength(input.compareWith.points) : 0);
  if (characters <= IN_PLACE_CHARACTERS) return entry.render(input);
  return ask<Uint8Array | string>({ id: ++next, kind: 'render', format, input });
}

/** Stops the worker (when the server closes); the next large file starts another. */
export async function closeFileWorker(): Promise<void> {
  const open = worker;
  worker = null;
  if (open) await open.terminate();
}

function ask<T>(request: FileRequest): Promise<T> {
  const thread = start();
  return new Promise<T>((resolve, reject) => {
    pending.set(request.id, { resolve: resolve as (result: never) => void, reject });
    thread.postMessage(request);
  });
}

function start(): Worker {
  if (worker) return worker;
  const thread = new Worker(ENTRY);
  thread.unref();
  thread.on('message', (reply: FileReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (!waiting) return;
    if ('result' in reply) waiting.resolve(reply.result as never);
    else if ('refused' in reply) waiting.reject(new FileRefused(reply.refused.statusCode, reply.refused.message));
    else waiting.reject(new Error(reply.error));
  });
  const fail = (error: Error) => {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
    if (worker === thread) worker = null;
  };
  thread.on('error', fail);
  thread.on('exit', (code) => fail(new Error(`the files' worker stopped (exit code ${code})`)));
  worker = thread;
  return thread;
}
