// Several `parley serve` processes on one PostgreSQL database, behind Debian's nginx: the set-up the
// multi-process tests run against. Each server is the built command (bin/parley.js on dist/, which
// test/cli/command.ts brings up to date), started in a process group of its own so that it, and
// anything it started, is ended together; nginx runs from a configuration written into a temporary
// folder, with its logs and temporary files there too. Readiness is polled on /api/health, never
// waited for by the clock alone.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { genevaScenario } from '../../src/demo/geneva.ts';
import { loadScenario } from '../../src/demo/load.ts';
import { Store } from '../../src/store/store.ts';
import { BIN } from '../cli/command.ts';

/** The PostgreSQL server the multi-process tests make their database on, or why they cannot run. */
export const POSTGRES = process.env.PARLEY_TEST_POSTGRES;
export const SKIP_WITHOUT_POSTGRES = POSTGRES
  ? false
  : 'several servers share one database only on PostgreSQL: set PARLEY_TEST_POSTGRES to the URL of a PostgreSQL server (node scripts/postgres.js starts a throwaway one)';

/** How long a process may take to answer /api/health before the set-up gives up. */
const READY_WITHIN_MS = 30_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A new database on the test server holding the Geneva demo (loaded through the store, as
 * `parley demo --db` does); `drop` removes it.
 */
export async function demoOnPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!POSTGRES) throw new Error(String(SKIP_WITHOUT_POSTGRES));
  const name = `multi${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await onServer(`create database ${name}`);
  const url = new URL(POSTGRES);
  url.pathname = `/${name}`;
  const store = await Store.open(url.toString());
  try {
    await loadScenario(store, genevaScenario);
  } finally {
    await store.close();
  }
  return { url: url.toString(), drop: () => onServer(`drop database if exists ${name} with (force)`) };
}

/** Debian's nginx: installed when missing and this runs as root (as on CI); otherwise a clear refusal. */
export function nginxBinary(): string {
  const named = process.env.PARLEY_NGINX;
  if (named) {
    if (!existsSync(named)) throw new Error(`PARLEY_NGINX names ${named}, which does not exist`);
    return named;
  }
  const find = () => {
    for (const path of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(path)) return path;
    const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
    return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : null;
  };
  let binary = find();
  if (!binary && process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    const apt = (args: string[]) =>
      spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    console.error("The multi-process tests need a reverse proxy: installing Debian's nginx…");
    if (apt(['install', '-y', '--no-install-recommends', 'nginx']).status !== 0) {
      apt(['update']);
      apt(['install', '-y', '--no-install-recommends', 'nginx']);
    }
    binary = find();
  }
  if (!binary)
    throw new Error(
      'the multi-process tests need nginx as the reverse proxy in front of the servers: install it (Debian: sudo apt-get install nginx), or name its binary with PARLEY_NGINX',
    );
  return binary;
}

interface Started {
  child: ChildProcess;
  /** What the process wrote on standard error: shown when it fails to start. */
  log: () => string;
  exited: Promise<void>;
}

function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Started {
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env });
  let log = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    log = (log + chunk).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, log: () => log, exited };
}

/** Polls `url` until it answers 200, the process exits, or READY_WITHIN_MS passes. */
async function waitForHealth(url: string, process: Started, what: string, extraLog = () => ''): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  let gone = false;
  void process.exited.then(() => (gone = true));
  let last = '';
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${what} exited before it was ready:\n${process.log()}${extraLog()}`);
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (answer.status === 200) return;
      last = `answered ${answer.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    // The next look comes after the process had a moment to start: a bounded poll.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `${what} did not answer ${url} within ${READY_WITHIN_MS / 1000} s (${last}):\n${process.log()}${extraLog()}`,
  );
}

/** Ends a process group: TERM, then KILL when it lingers. */
async function endGroup(started: Started): Promise<void> {
  const pid = started.child.pid;
  if (pid === undefined || started.child.exitCode !== null || started.child.signalCode !== null) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // the group is gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  await started.exited;
  clearTimeout(timer);
}

/** nginx's configuration: every server of the upstream in turn, streams unbuffered, the client's address passed on. */
export function nginxConfig(dir: string, port: number, upstreams: number[]): string {
  const asRoot = process.getuid?.() === 0;
  return `${asRoot ? 'user root;\n' : ''}worker_processes 1;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 2m;
  upstream parley {
${upstreams.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    # A write that failed on one server is never tried again on another.
    proxy_next_upstream off;
    location ~ ^/api/negotiations/[^/]+/events$ {
      proxy_pass http://parley;
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout 1h;
    }
    location / {
      proxy_pass http://parley;
    }
  }
}
`;
}

export interface Cluster {
  /** Each server's own address, in the order started. */
  servers: string[];
  /** nginx's address: requests go to the servers in turn. */
  proxy: string;
  /** The database they share. */
  db: string;
  stop(): Promise<void>;
}

/**
 * Starts `count` servers on the database `db` and nginx in front of them; resolves once every one
 * answers /api/health. `stop` ends them all (process groups) and removes nginx's folder.
 *
 * @example
 * const cluster = await startCluster(db.url, 2);
 * await fetch(`${cluster.proxy}/api/health`);
 * await cluster.stop();
 */
export async function startCluster(db: string, count = 2): Promise<Cluster> {
  const nginx = nginxBinary();
  const started: Started[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'parley-nginx-'));
  const stop = async () => {
    await Promise.all(started.map(endGroup));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      ports.push(port);
      started.push(
        startProcess(
          process.execPath,
          [BIN, 'serve', '--db', db, '--port', String(port), '--no-demo', '--trust-proxy', '127.0.0.1'],
          { ...process.env, PARLEY_CHECK_RESPONSES: '1' },
        ),
      );
    }
    const servers = ports.map((port) => `http://127.0.0.1:${port}`);
    await Promise.all(
      servers.map((url, i) => waitForHealth(`${url}/api/health`, started[i]!, `parley serve #${i + 1}`)),
    );

    for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
    const port = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, ports));
    const proxyProcess = startProcess(nginx, [
      '-p',
      dir,
      '-c',
      join(dir, 'nginx.conf'),
      '-e',
      join(dir, 'error.log'),
      '-g',
      `daemon off; pid ${join(dir, 'nginx.pid')};`,
    ]);
    started.push(proxyProcess);
    const proxy = `http://127.0.0.1:${port}`;
    const errorLog = () => {
      try {
        return readFileSync(join(dir, 'error.log'), 'utf8');
      } catch {
        return '';
      }
    };
    await waitForHealth(`${proxy}/api/health`, proxyProcess, 'nginx', errorLog);
    return { servers, proxy, db, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export { follow, topicsOf, type LiveEvent } from '../helpers.ts';
