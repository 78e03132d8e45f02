// `parley analyze --genius` on a worker thread (analyze.ts starts it, with its time and memory
// limits): the analysis, its output sent back in chunks, its progress as messages. Compiled, it runs
// as dist/cli/analyze-genius-worker.js; from the sources, analyze-genius-entry.js registers tsx first.
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeGenius, type AnalyzeOptions } from './analyze-genius.ts';
import { CliError, EXIT } from './errors.ts';

const port = parentPort!;
const { files, options, written } = workerData as { files: string[]; options: AnalyzeOptions; written: Int32Array };
/** Chunks of output sent to the main thread; `written[0]` counts those it wrote. */
let sent = 0;
/** At most this many chunks wait to be written: the output's memory stays bounded however slow standard output is. */
const IN_FLIGHT = 4;
const out = (chunk: string) => {
  while (sent - Atomics.load(written, 0) >= IN_FLIGHT) Atomics.wait(written, 0, Atomics.load(written, 0), 1000);
  sent++;
  port.postMessage({ kind: 'out', chunk });
};
try {
  analyzeGenius(files, options, out, {
    update: (done, total) => port.postMessage({ kind: 'progress', done, total }),
    finish: () => port.postMessage({ kind: 'progress-end' }),
    note: (line) => port.postMessage({ kind: 'note', line }),
  });
  port.postMessage({ kind: 'done' });
} catch (error) {
  port.postMessage({
    kind: 'error',
    message: error instanceof Error ? error.message : String(error),
    exitCode: error instanceof CliError ? error.exitCode : EXIT.failed,
  });
}
