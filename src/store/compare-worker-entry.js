// Worker-thread entry for the comparison worker. Plain JavaScript so that it loads without a
// TypeScript loader; it registers tsx itself because workers do not inherit the parent's.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { compareVersions } = await import('../core/compare.ts');
parentPort.on('message', ({ id, base, proposal }) => {
  try {
    parentPort.postMessage({ id, comparison: compareVersions(base, proposal) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
