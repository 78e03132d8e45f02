#!/usr/bin/env node
// Compiles src/ into dist/, the JavaScript that `parley` runs, and web/ into dist/web, the web app
// that `parley serve` serves, each when it is missing or older than its sources: `npm install`
// (prepare), `npm start` and `npm test` call it, and it returns at once when nothing changed.
// `--force` builds anyway.
//
// tsc emits only (--noCheck): `npm test` type-checks with `tsc --noEmit`, and isolatedModules
// makes every file compile on its own. rewriteRelativeImportExtensions turns `./x.ts` into `./x.js`,
// so dist/ mirrors src/ file for file and the commands' `await import(...)` and the worker
// entries find their compiled neighbours.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
/** Written once a build has succeeded; its mtime is the time the build started. */
const stamp = join(dist, '.built');
const web = join(root, 'web');
const webDist = join(dist, 'web');
const webStamp = join(webDist, '.built');
/** Third-party code bundled into one file each (bundleKysely). */
const vendor = join(dist, 'vendor');

/** Every file and folder under `dir` (a folder's mtime changes when a file in it is added, renamed or removed). */
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? [path, ...walk(path)] : [path];
  });
}

function newestInput() {
  const inputs = [
    src,
    ...walk(src),
    join(root, 'tsconfig.json'),
    join(root, 'tsconfig.build.json'),
    join(root, 'tsconfig.lib.json'),
    // A dependency updated: Kysely's bundle (bundleKysely) is made again.
    join(root, 'package-lock.json'),
  ];
  return Math.max(...inputs.filter((path) => existsSync(path)).map((path) => statSync(path).mtimeMs));
}

function newestWebInput() {
  return Math.max(...[web, ...walk(web)].map((path) => statSync(path).mtimeMs));
}

const serverStale = () => !existsSync(stamp) || statSync(stamp).mtimeMs < newestInput();
const webStale = () => existsSync(web) && (!existsSync(webStamp) || statSync(webStamp).mtimeMs < newestWebInput());

/** Whether dist/ is missing or older than something it is built from. */
export function isStale() {
  return serverStale() || webStale();
}

/**
 * What the web app's first page loads (index.html, its scripts, their static imports and styles),
 * in bytes gzipped; the views it loads later are not counted.
 */
export function firstPageBytes() {
  const html = readFileSync(join(webDist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
  const total = files.reduce((sum, file) => sum + gzipSync(readFileSync(join(webDist, file))).length, 0);
  return { files, total: total + gzipSync(html).length };
}

function buildWeb() {
  const started = new Date();
  let vite;
  try {
    vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  } catch {
    throw new Error('Vite is not installed: building the web app needs the devDependencies');
  }
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', join(web, 'vite.config.ts'), '--logLevel', 'warn'],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status ?? result.signal})`);
  const { total } = firstPageBytes();
  console.error(`parley build: web app in dist/web; its first page loads ${(total / 1024).toFixed(1)} KB gzipped`);
  writeFileSync(webStamp, `built from web/ by scripts/build.js\n`);
  utimesSync(webStamp, started, started);
}

/** Builds what is stale (everything with `force`). Throws when tsc or Vite fails. */
export function build(force = false) {
  if (force || serverStale()) buildServer();
  if (force || webStale()) buildWeb();
}

/** Compiles src/ into dist/ and removes what no longer has a source. */
function buildServer() {
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
  buildDeclarations(tsc);
  for (const path of walk(dist)) {
    if (!(path.endsWith('.js') || path.endsWith('.d.ts')) || path.startsWith(webDist) || path.startsWith(vendor))
      continue;
    const source = join(src, relative(dist, path)).replace(/(\.d)?\.ts$|\.js$/, '.ts');
    if (!existsSync(source)) rmSync(path);
  }
  bundleKysely();
  writeFileSync(stamp, `built from src/ by scripts/build.js\n`);
  utimesSync(stamp, started, started);
}

/**
 * Kysely as one file: its ESM build is some 270 modules, and resolving and loading them took 90–110 ms
 * of every start of the command and the server (a `parley analyze --db` run took 235 ms over bare Node);
 * bundled, the same import takes 10 ms. The compiled files' `from 'kysely'` then name the bundle. The
 * sources, run by tsx in the tests, keep importing the package. Kysely's licence goes with the bundle.
 */
function bundleKysely() {
  const require = createRequire(import.meta.url);
  // Its `exports` hide package.json: found from the entry point's folder instead (dist/cjs/index.js).
  const pkg = join(dirname(require.resolve('kysely')), '..', '..', 'package.json');
  const { version, name } = JSON.parse(readFileSync(pkg, 'utf8'));
  if (name !== 'kysely') throw new Error(`expected Kysely's package.json at ${pkg}`);
  mkdirSync(vendor, { recursive: true });
  require('esbuild').buildSync({
    entryPoints: [join(dirname(pkg), 'dist', 'esm', 'index.js')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: join(vendor, 'kysely.js'),
    banner: { js: `// Kysely ${version} (MIT licence: kysely.LICENSE), bundled by scripts/build.js.` },
    logLevel: 'warning',
  });
  copyFileSync(join(dirname(pkg), 'LICENSE'), join(vendor, 'kysely.LICENSE'));
  for (const path of walk(dist)) {
    if (!path.endsWith('.js') || path.startsWith(webDist) || path.startsWith(vendor)) continue;
    const text = readFileSync(path, 'utf8');
    if (!text.includes('kysely')) continue;
    let target = relative(dirname(path), join(vendor, 'kysely.js'));
    if (!target.startsWith('.')) target = `./${target}`;
    const rewritten = text.replace(/(from\s+|import\()(['"])kysely\2/g, `$1$2${target}$2`);
    if (rewritten !== text) writeFileSync(path, rewritten);
  }
}

/**
 * The type declarations of the library other projects import (`parley/analysis`, package.json
 * `exports`): tsc emits them next to the JavaScript, then their relative imports are given the `.js`
 * the compiled files have (tsc keeps the sources' `./x.ts` in declarations).
 */
function buildDeclarations(tsc) {
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.lib.json'), '--noCheck'], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`tsc (declarations) failed (exit ${result.status ?? result.signal})`);
  for (const path of walk(dist)) {
    if (!path.endsWith('.d.ts')) continue;
    const text = readFileSync(path, 'utf8');
    const rewritten = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
    if (rewritten !== text) writeFileSync(path, rewritten);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  if (force || isStale()) {
    try {
      build(force);
    } catch (error) {
      console.error(`parley build: ${error.message}`);
      process.exit(1);
    }
  }
}
