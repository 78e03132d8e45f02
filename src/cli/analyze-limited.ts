import { Worker } from 'node:worker_threads';
import { progressBar, type AnalyzeOptions } from './analyze-genius.ts';
import { CliError, EXIT } from './errors.ts';

const ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './analyze-genius-entry.js' : './analyze-genius-worker.js',
  import.meta.url,
);

/** How often the memory of the process is looked at while the analysis runs. */
const MEMORY_CHECK_MS = 100;

/**
 * `parley analyze --genius` on a worker thread, within a time and a memory limit: past either, the
 * worker is stopped and the command fails with a message that names the limit and the flag that
 * raises it (exit code 3). The memory limit holds the worker's heap (its `resourceLimits`) and the
 * whole process's resident memory, which also counts the frontier's typed arrays outside the heap.
 */
export function analyzeGeniusLimited(
  files: string[],
  options: AnalyzeOptions,
  /** Seconds and megabytes; 0 for no limit. */
  limits: { seconds: number; memoryMb: number },
  write: (chunk: string) => void,
): Promise<void> {
  const bar = progressBar('analyze');
  const heapMb = Math.max(64, limits.memoryMb - 128);
  // How many output chunks the main thread wrote: the worker waits on it so that chunks never pile up.
  const written = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(ENTRY, {
    workerData: { files, options, written },
    ...(limits.memoryMb > 0 ? { resourceLimits: { maxOldGenerationSizeMb: heapMb } } : {}),
    stdout: false,
    stderr: false,
  });
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error: CliError | null) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (watch) clearInterval(watch);
      bar.finish();
      void worker.terminate();
      if (error) reject(error);
      else resolve();
    };
    const overTime = () =>
      new CliError(
        `the analysis did not finish within ${limits.seconds} s; allow it longer with --time-limit SECONDS, or analyse fewer profiles or options`,
        EXIT.limit,
      );
    const overMemory = () =>
      new CliError(
        `the analysis needed more than ${limits.memoryMb} MB of memory; allow it more with --memory-limit MB, or analyse fewer profiles or options`,
        EXIT.limit,
      );
    const timer = limits.seconds > 0 ? setTimeout(() => settle(overTime()), limits.seconds * 1000) : null;
    const watch =
      limits.memoryMb > 0
        ? setInterval(() => {
            if (process.memoryUsage.rss() > limits.memoryMb * 1024 * 1024) settle(overMemory());
          }, MEMORY_CHECK_MS)
        : null;
    worker.on(
      'message',
      (
        message:
          | { kind: 'out'; chunk: string }
          | { kind: 'note'; line: string }
          | { kind: 'progress'; done: number; total: number }
          | { kind: 'progress-end' }
          | { kind: 'done' }
          | { kind: 'error'; message: string; exitCode: number },
      ) => {
        if (settled) return;
        if (message.kind === 'out') {
          write(message.chunk);
          Atomics.add(written, 0, 1);
          Atomics.notify(written, 0);
        } else if (message.kind === 'note') process.stderr.write(`${message.line}\n`);
        else if (message.kind === 'progress') bar.update(message.done, message.total);
        else if (message.kind === 'progress-end') bar.finish();
        else if (message.kind === 'done') settle(null);
        else settle(new CliError(message.message, message.exitCode));
      },
    );
    worker.on('error', (error: Error & { code?: string }) =>
      settle(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? overMemory() : new CliError(error.message, EXIT.failed)),
    );
    worker.on('exit', (code) => settle(new CliError(`the analysis stopped (worker exit code ${code})`, EXIT.failed)));
  });
}
