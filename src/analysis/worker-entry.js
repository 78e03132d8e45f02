// Worker-thread entry for analyzeInWorker. Plain JavaScript so that it loads without a
// TypeScript loader; it registers tsx itself because workers do not inherit the parent's.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { analyzeNegotiation } = await import('./analyze.ts');
const { portableAnalysis } = await import('./portable.ts');
try {
  const { problem, options } = workerData;
  const analysis = analyzeNegotiation(problem, {
    ...options,
    onProgress: (done, total) => parentPort.postMessage({ kind: 'progress', done, total }),
  });
  parentPort.postMessage({ kind: 'result', analysis: portableAnalysis(analysis) });
} catch (error) {
  parentPort.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
}
