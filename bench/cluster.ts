/**
 * Parley as an organisation runs it, for the benchmarks: `parley serve` processes on one database,
 * and Debian's nginx in front of several of them. Everything runs on loopback, in its own process,
 * with its files in a folder the caller owns.
 *
 * - `startServer({ db, dir })`: one `node bin/parley.js serve --db <db> --port <free> --no-demo`
 *   (the built command: `npm run build` first), resolved once `/api/health` answers.
 * - `startNginx({ upstreams, dir })`: nginx (installed when missing and root) on a free port,
 *   round-robin over the upstreams with kept-alive upstream connections, the configuration of
 *   `nginxConfig` (docs/operations.md shows the same for production).
 * - `startCluster({ db, processes, dir })`: `processes` servers, and nginx in front when more than one.
 *
 * @example
 * const cluster = await startCluster({ db: 'postgres://parley@127.0.0.1:5432/parley', processes: 2, dir });
 * await fetch(`${cluster.base}/api/health`);
 * await cluster.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
export const CLI = join(ROOT, 'bin', 'parley.js');

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ends a child process (SIGTERM) and resolves when it has exited. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Waits until `base/api/health` answers 200; fails early when the process exits. */
export async function waitUntilServing(base: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${base} exited with ${child.exitCode}; see ${logFile}`);
    try {
      const response = await fetch(`${base}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${base} did not answer /api/health within 60 s; see ${logFile}`);
}

export interface ServerProcess {
  port: number;
  base: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
}

export interface ServerOptions {
  /** An SQLite file or a postgres:// URL. */
  db: string;
  /** Where the server's log goes (`server-<port>.log`). */
  dir: string;
  /** Node options before the command (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** More environment (e.g. `PARLEY_PG_POOL`). */
  env?: Record<string, string>;
  /** Extra `parley serve` arguments (e.g. `--trust-proxy 127.0.0.1`). */
  args?: string[];
}

/** Starts one `parley serve --no-demo` on a free port and waits until it answers. */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logFile = join(options.dir, `server-${port}.log`);
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      CLI,
      'serve',
      '--db',
      options.db,
      '--port',
      String(port),
      '--no-demo',
      ...(options.args ?? []),
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', openSync(logFile, 'a')], env: { ...process.env, ...options.env } },
  );
  try {
    await waitUntilServing(base, child, logFile);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { port, base, pid: child.pid!, child, logFile };
}

/** Loads the Geneva demo into a database with `parley demo --db <db>`. */
export function loadDemo(db: string): void {
  const result = spawnSync(process.execPath, [CLI, 'demo', '--db', db], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`parley demo --db ${db}: ${result.stderr || result.stdout}`);
}

/** Where nginx is: NGINX, the PATH, or Debian's /usr/sbin/nginx; installed (Debian) when missing and root. */
export function ensureNginx(): string {
  const find = () => {
    if (process.env.NGINX) return process.env.NGINX;
    const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
    if (found.status === 0) return found.stdout.trim();
    return existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : null;
  };
  let nginx = find();
  if (nginx) return nginx;
  if (process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    console.error('Several processes need a proxy in front: installing Debian’s nginx-light…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () =>
      spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'nginx-light'], { stdio: 'inherit', env });
    if (install().status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
      install();
    }
    nginx = find();
  }
  if (!nginx)
    throw new Error('nginx is missing: install it (Debian: sudo apt-get install nginx-light), or name it with NGINX');
  return nginx;
}

export interface NginxOptions {
  /** The ports of the `parley serve` processes on 127.0.0.1. */
  upstreams: number[];
  /** The folder of its configuration, pid file, temporary files and error log. */
  dir: string;
  /** The port to listen on (default: a free one). */
  port?: number;
  /** nginx worker processes (default 1: on a small machine the servers need the cores). */
  workers?: number;
}

/**
 * The configuration the benchmarks run: round-robin over the upstreams, HTTP/1.1 and kept-alive
 * connections to them, no access log, the live-update streams unbuffered with timeouts longer
 * than their 20 s heartbeat, and the client's address passed on in X-Forwarded-For.
 */
export function nginxConfig(options: Required<NginxOptions>): string {
  const { dir } = options;
  return `# Written by bench/cluster.ts; docs/operations.md explains each line.
worker_processes ${options.workers};
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
daemon off;

events {
  worker_connections 4096;
}

http {
  access_log off;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  client_max_body_size 8m;
  keepalive_requests 1000000;
  # Answers are held in memory, never in temporary files (the workers need no writable folder).
  proxy_buffer_size 16k;
  proxy_buffers 64 16k;
  proxy_max_temp_file_size 0;

  upstream parley {
${options.upstreams.map((port) => `    server 127.0.0.1:${port};`).join('\n')}
    keepalive 128;
    keepalive_requests 1000000;
  }

  server {
    listen 127.0.0.1:${options.port};

    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;

    # Live updates (server-sent events): unbuffered, and kept open past the 20 s heartbeat.
    location ~ ^/api/negotiations/[^/]+/events$ {
      proxy_pass http://parley;
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
    }

    location / {
      proxy_pass http://parley;
    }
  }
}
`;
}

export interface Nginx {
  port: number;
  base: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts nginx in the foreground (its own process group) with `nginxConfig`, and waits until it answers. */
export async function startNginx(options: NginxOptions): Promise<Nginx> {
  const nginx = ensureNginx();
  const port = options.port ?? (await freePort());
  const dir = join(options.dir, `nginx-${port}`);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'nginx.conf');
  writeFileSync(config, nginxConfig({ upstreams: options.upstreams, dir, port, workers: options.workers ?? 1 }));
  const child = spawn(nginx, ['-p', dir, '-c', config, '-e', join(dir, 'nginx-error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr.trim()}`);
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`nginx on ${base} did not answer within 20 s: ${stderr.trim()} ${readLog(dir)}`);
      await sleep(50);
    }
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { port, base, pid: child.pid!, child, stop: () => stopProcess(child) };
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'nginx-error.log'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

export interface Cluster {
  /** Where clients connect: nginx when there are several processes, else the one server. */
  base: string;
  port: number;
  servers: ServerProcess[];
  nginx: Nginx | null;
  stop(): Promise<void>;
}

export interface ClusterOptions extends ServerOptions {
  /** How many `parley serve` processes (default 1). */
  processes?: number;
  /** Put nginx in front even of one process (default: only of several). */
  proxy?: boolean;
  /** nginx worker processes (default 1). */
  nginxWorkers?: number;
}

/** Starts `processes` servers on one database and, for several, nginx in front of them. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const count = options.processes ?? 1;
  const servers: ServerProcess[] = [];
  let nginx: Nginx | null = null;
  const stop = async () => {
    if (nginx) await nginx.stop();
    await Promise.all(servers.map((server) => stopProcess(server.child)));
  };
  try {
    for (let i = 0; i < count; i++) servers.push(await startServer(options));
    if (count > 1 || options.proxy)
      nginx = await startNginx({
        upstreams: servers.map((s) => s.port),
        dir: options.dir,
        workers: options.nginxWorkers ?? 1,
      });
  } catch (error) {
    await stop();
    throw error;
  }
  const front = nginx ?? servers[0]!;
  return { base: front.base, port: front.port, servers, nginx, stop };
}

/** The resident memory of a process in bytes (Linux: /proc/<pid>/status), or NaN when unknown. */
export function residentBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}
