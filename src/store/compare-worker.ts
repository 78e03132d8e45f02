import { Worker } from 'node:worker_threads';
import type { VersionComparison } from '../core/compare.ts';
import { pointsTextLength } from '../core/document.ts';
import type { Point } from '../core/model.ts';

/** Below this many characters on both sides a comparison takes well under a millisecond: it runs in place. */
const IN_PLACE_CHARACTERS = 20_000;

/**
 * The worker's script, next to this module: compiled (dist/store/compare-worker.js), the compiled
 * compare-worker-main.js; from the sources (under tsx, as in the tests), compare-worker-entry.js,
 * which registers tsx for the worker thread before it imports compare-worker-main.ts.
 */
const ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './compare-worker-entry.js' : './compare-worker-main.js',
  import.meta.url,
);

type Pending = { resolve: (comparison: VersionComparison) => void; reject: (error: Error) => void };

/**
 * Compares versions off the event loop: one worker thread, started on the first long comparison and
 * kept for the next ones (it does not keep the process alive). Short texts are compared in place,
 * where a message round trip would cost more than the diff.
 */
export class ComparisonWorker {
  private worker: Worker | null = null;
  private next = 0;
  private readonly pending = new Map<number, Pending>();

  async compare(base: Point[], proposal: Point[]): Promise<VersionComparison> {
    // Loaded on the first comparison: the word diff is 19 modules a command that compares nothing need not load.
    if (pointsTextLength(base) + pointsTextLength(proposal) <= IN_PLACE_CHARACTERS)
      return (await import('../core/compare.ts')).compareVersions(base, proposal);
    const worker = this.start();
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, base, proposal });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(ENTRY);
    worker.unref();
    worker.on('message', (message: { id: number; comparison?: VersionComparison; error?: string }) => {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.comparison) waiting?.resolve(message.comparison);
      else waiting?.reject(new Error(message.error ?? 'the comparison failed'));
    });
    const fail = (error: Error) => {
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
      if (this.worker === worker) this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the comparison worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
