#!/usr/bin/env node
// Compiles src/ into dist/, the JavaScript that `parley` runs, when dist/ is missing or older than
// its sources: `npm install` (prepare), `npm start` and `npm test` call it, and it returns at once
// when nothing changed. `--force` builds anyway.
//
// tsc emits only (--noCheck): `npm test` type-checks with `tsc --noEmit`, and isolatedModules
// makes every file compile on its own. rewriteRelativeImportExtensions turns `./x.ts` into `./x.js`,
// so dist/ mirrors src/ file for file and the commands' `await import(...)` and the worker
// entries find their compiled neighbours.
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
/** Written once a build has succeeded; its mtime is the time the build started. */
const stamp = join(dist, '.built');

/** Every file and folder under `dir` (a folder's mtime changes when a file in it is added, renamed or removed). */
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? [path, ...walk(path)] : [path];
  });
}

function newestInput() {
  const inputs = [src, ...walk(src), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')];
  return Math.max(...inputs.map((path) => statSync(path).mtimeMs));
}

/** Whether dist/ is missing or older than something it is built from. */
export function isStale() {
  return !existsSync(stamp) || statSync(stamp).mtimeMs < newestInput();
}

/** Compiles src/ into dist/ and removes what no longer has a source. Throws when tsc fails. */
export function build() {
  const started = new Date();
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    throw new Error('TypeScript is not installed: building needs the devDependencies (npm install without --omit=dev)');
  }
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noCheck'], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`tsc failed (exit ${result.status ?? result.signal})`);
  for (const path of walk(dist)) {
    if (!path.endsWith('.js')) continue;
    const source = join(src, relative(dist, path)).replace(/\.js$/, '.ts');
    if (!existsSync(source)) rmSync(path);
  }
  writeFileSync(stamp, `built from src/ by scripts/build.js\n`);
  utimesSync(stamp, started, started);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  if (force || isStale()) {
    try {
      build();
    } catch (error) {
      console.error(`parley build: ${error.message}`);
      process.exit(1);
    }
  }
}
