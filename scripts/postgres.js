#!/usr/bin/env node
// A throwaway PostgreSQL for the tests and the benchmarks: a new cluster in a temporary folder
// (`initdb`), started on a free local port (`pg_ctl`), reachable only over loopback and its own
// socket folder, and removed when stopped. Debian's `postgresql` is installed when it is missing and
// this runs as root (as on CI). As root the server runs as the `postgres` account, as PostgreSQL
// requires.
//
//   node scripts/postgres.js            starts one, prints its URL, and stops it on Ctrl-C
//   import { startPostgres } from './postgres.js'   the same, from a script
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const asRoot = process.getuid?.() === 0;

/** The folder of PostgreSQL's server programs: PARLEY_PG_BIN, Debian's newest, or the PATH. */
function serverPrograms() {
  if (process.env.PARLEY_PG_BIN) return process.env.PARLEY_PG_BIN;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(debian, versions[0], 'bin');
  }
  const found = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  return found.status === 0 ? join(found.stdout.trim(), '..') : null;
}

/** Installs Debian's postgresql when it is missing and this may; says how when it cannot. */
function ensurePostgres() {
  let bin = serverPrograms();
  if (bin) return bin;
  const apt = (args) =>
    spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (asRoot && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    console.error("The PostgreSQL tests need a PostgreSQL server: installing Debian's postgresql…");
    if (apt(['install', '-y', '--no-install-recommends', 'postgresql']).status !== 0) {
      apt(['update']);
      apt(['install', '-y', '--no-install-recommends', 'postgresql']);
    }
    bin = serverPrograms();
  }
  if (!bin)
    throw new Error(
      'the PostgreSQL tests need initdb and pg_ctl: install PostgreSQL (Debian: sudo apt-get install postgresql), or name the folder of its programs with PARLEY_PG_BIN',
    );
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs one of PostgreSQL's programs, as `postgres` when this runs as root; fails with its output. */
function run(bin, program, args) {
  const command = join(bin, program);
  const result = asRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' })
    : spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${program} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`.trim());
  return result.stdout;
}

/**
 * Starts a new PostgreSQL cluster; resolves to its URL (database `postgres`, user `parley`, no
 * password: only this machine's loopback can reach it) and a `stop` that ends it and removes its files.
 *
 * @example
 * const pg = await startPostgres();
 * process.env.DATABASE_URL = pg.url;
 * // …
 * pg.stop();
 */
export async function startPostgres({ quiet = true } = {}) {
  const bin = ensurePostgres();
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  if (asRoot) {
    const { uid, gid } = idOf('postgres');
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  const port = await freePort();
  run(bin, 'initdb', ['-D', data, '-U', 'parley', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=400',
    // A throwaway cluster: its data need not survive a crash of the machine, only of its clients.
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c shared_buffers=128MB',
  ].join(' ');
  run(bin, 'pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', settings, '-w', '-t', '60', 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch (error) {
      if (!quiet) console.error(error.message);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  return { url: `postgres://parley@127.0.0.1:${port}/postgres`, port, dir, stop };
}

function idOf(user) {
  const uid = Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid))
    throw new Error(`there is no account "${user}" to run PostgreSQL`);
  return { uid, gid };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pg = await startPostgres({ quiet: false });
  console.log(pg.url);
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.once(signal, () => {
      pg.stop();
      process.exit(0);
    });
  setInterval(() => {}, 1 << 30);
}
