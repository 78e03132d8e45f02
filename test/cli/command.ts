// The `parley` command as the tests run it: the built one, bin/parley.js on dist/. scripts/test.js
// builds dist/ before the tests; a test file run on its own (`node --import tsx --test …`) builds it
// here when it is missing or older than src/.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.js')], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('scripts/build.js failed: the built command cannot be tested');

/** bin/parley.js, which runs dist/cli/main.js. */
export const BIN = join(root, 'bin', 'parley.js');

/** Runs the built `parley` with these arguments (and extra environment) and waits for it. */
export function parley(args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
    // A streamed listing (`parley analyze --stream`) may run to megabytes.
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
