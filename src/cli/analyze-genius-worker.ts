// `parley analyze --genius` on a worker thread (analyze.ts starts it, with its time and memory
// limits): the analysis, its output sent back in chunks, its progress as messages. Compiled, it runs
// as dist/cli/analyze-genius-worker.js; from the sources, analyze-genius-entry.js registers tsx first.
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeGenius, type AnalyzeOptions } from './analyze-genius.ts';
import { CliError, EXIT } from './errors.ts';

const port = parentPort!;
const { files, options } = workerData as { files: string[]; options: AnalyzeOptions };
try {
  analyzeGenius(files, options, (chunk) => port.postMessage({ kind: 'out', chunk }), {
    update: (done, total) => port.postMessage({ kind: 'progress', done, total }),
    finish: () => port.postMessage({ kind: 'progress-end' }),
  });
  port.postMessage({ kind: 'done' });
} catch (error) {
  port.postMessage({
    kind: 'error',
    message: error instanceof Error ? error.message : String(error),
    exitCode: error instanceof CliError ? error.exitCode : EXIT.failed,
  });
}
