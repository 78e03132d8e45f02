// The comparison worker thread (ComparisonWorker). Compiled, it runs as
// dist/store/compare-worker-main.js; from the sources, compare-worker-entry.js registers tsx and imports it.
import { parentPort } from 'node:worker_threads';
import { compareVersions } from '../core/compare.ts';
import type { Point } from '../core/model.ts';

const port = parentPort!;
port.on('message', ({ id, base, proposal }: { id: number; base: Point[]; proposal: Point[] }) => {
  try {
    port.postMessage({ id, comparison: compareVersions(base, proposal) });
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
