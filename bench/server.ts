/**
 * Server benchmark: `npm run bench:server`.
 *
 * Starts the real `parley serve` in its own process on a fresh SQLite database loaded with the
 * Geneva demo (normal durability settings: WAL, as the CLI opens it), and a bare `node:http`
 * server in another process that answers with the exact bytes and headers of the document
 * read (the ceiling). This process drives the load (bench/load.ts: raw keep-alive sockets,
 * one request in flight per connection) and shares neither server's process. Four cases, run
 * interleaved in short rounds (ceiling, document, positions, writes, ceiling, …) so that the
 * noise of a shared machine hits all alike:
 *
 * - ceiling: the bare server, the captured document body;
 * - document: GET /api/negotiations/geneva-2025/document as Ukraine's delegation lead;
 * - positions: GET /api/negotiations/geneva-2025/positions, the same delegate;
 * - writes: every connection owns one position (created first, as members of parties other
 *   than the reader's) and PATCHes it with the revision its previous write returned; any
 *   answer other than 200 (a 409 included) is an error.
 *
 * Then stops the server, runs `parley audit verify` on the database, and times CLI start-up
 * (`parley --help`, `parley analyze` on the Energy domain) against `node -e 0`, interleaved,
 * the median of several runs each. Prints the figures beside the targets; misses are marked
 * but the exit code is 0 (the benchmark only reports).
 *
 * Options (or environment): `--rounds N` (PARLEY_BENCH_ROUNDS, default 5), `--seconds S` per
 * case and round (PARLEY_BENCH_SECONDS, default 3), `--connections N` (default 50),
 * `--cli-runs N` (PARLEY_BENCH_CLI_RUNS, default 7), `--only writes` (some cases beside the ceiling);
 * PARLEY_BENCH_PROFILE=DIR profiles the server into DIR. The default run takes about 90 s.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantile, request, runLoad, type Client, type LoadResult } from './load.ts';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'parley.js');
const NEGOTIATION = 'geneva-2025';
const READER = 'ua@demo.parley';
/** Parties whose leads write in the benchmark (not the reader's party, so the reads stay the same). */
const WRITERS = ['us', 'eu', 'fr', 'de', 'uk', 'ru'];
const PASSWORD = 'parley-demo';

function option(name: string, env: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const text = index >= 0 ? process.argv[index + 1] : process.env[env];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} (${env}) must be a positive number, not "${text}"`);
    process.exit(2);
  }
  return value;
}

const rounds = Math.round(option('rounds', 'PARLEY_BENCH_ROUNDS', 5));
const seconds = option('seconds', 'PARLEY_BENCH_SECONDS', 3);
const connections = Math.round(option('connections', 'PARLEY_BENCH_CONNECTIONS', 50));
const cliRuns = Math.round(option('cli-runs', 'PARLEY_BENCH_CLI_RUNS', 7));

async function freePort(): Promise<number> {
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

async function waitUntilServing(base: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`parley serve exited with ${child.exitCode}; see ${logFile}`);
    try {
      const response = await fetch(`${base}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`parley serve did not answer within 60 s; see ${logFile}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function api<T>(base: string, method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

const signIn = async (base: string, email: string) =>
  (await api<{ token: string }>(base, 'POST', '/api/auth/login', undefined, { email, password: PASSWORD })).token;

interface OwnedPosition {
  token: string;
  id: string;
  revision: number;
}

/** One position per connection, each on a (version, point) its party has no position on yet. */
async function createOwnedPositions(base: string, count: number): Promise<OwnedPosition[]> {
  const owned: OwnedPosition[] = [];
  for (const party of WRITERS) {
    if (owned.length >= count) break;
    const token = await signIn(base, `${party}@demo.parley`);
    const versions = await api<{ id: string; points: { id: string }[] }[]>(
      base,
      'GET',
      `/api/negotiations/${NEGOTIATION}/versions`,
      token,
    );
    const positions = await api<{ partyId: string; versionId: string; pointId: string }[]>(
      base,
      'GET',
      `/api/negotiations/${NEGOTIATION}/positions`,
      token,
    );
    const taken = new Set(positions.filter((p) => p.partyId === party).map((p) => `${p.versionId} ${p.pointId}`));
    for (const version of versions) {
      for (const point of version.points) {
        if (owned.length >= count) break;
        if (taken.has(`${version.id} ${point.id}`)) continue;
        const created = await api<{ id: string; revision: number }>(
          base,
          'POST',
          `/api/negotiations/${NEGOTIATION}/positions`,
          token,
          {
            versionId: version.id,
            pointId: point.id,
            partyId: party,
            stance: 'support',
            rationale: 'benchmark position',
            visibility: 'party',
          },
        );
        owned.push({ token, id: created.id, revision: created.revision });
      }
    }
  }
  if (owned.length < count)
    throw new Error(`only ${owned.length} free (version, point) slots for ${count} writing connections`);
  return owned;
}

type CaseName = 'ceiling' | 'document' | 'positions' | 'writes';

interface Case {
  name: CaseName;
  label: string;
  port: number;
  clients: () => Client[];
}

function summarise(results: LoadResult[]) {
  const all = new Float64Array(results.reduce((sum, r) => sum + r.latencies.length, 0));
  let offset = 0;
  for (const result of results) {
    all.set(result.latencies, offset);
    offset += result.latencies.length;
  }
  all.sort();
  const rates = results.map((r) => r.requests / r.seconds);
  return {
    rate: median(rates),
    p50: quantile(all, 0.5),
    p99: quantile(all, 0.99),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    requests: all.length,
    answered: results.reduce((sum, r) => sum + r.requests, 0),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function timeCommand(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}`);
  return ms;
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
const mark = (met: boolean) => (met ? 'yes' : '**NO — missed**');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const db = join(dir, 'parley.db');
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  console.log(
    `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}); ${connections} connections, ` +
      `${rounds} rounds × ${seconds} s per case, interleaved; database ${db}\n`,
  );
  // PARLEY_BENCH_PROFILE=DIR writes a CPU profile of the server there (node --cpu-prof), to see where its time goes.
  const profile = process.env.PARLEY_BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PARLEY_BENCH_PROFILE}`]
    : [];
  const server = spawn(process.execPath, [...profile, CLI, 'serve', '--db', db, '--port', String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', openSync(logFile, 'a')],
  });
  let ceiling: ChildProcess | undefined;
  let succeeded = false;
  try {
    await waitUntilServing(base, server, logFile);
    const readerToken = await signIn(base, READER);
    const auth = { authorization: `Bearer ${readerToken}` };

    // Capture the real document answer once; the ceiling serves exactly these bytes and headers.
    const documentPath = `/api/negotiations/${NEGOTIATION}/document`;
    const captured = await fetch(`${base}${documentPath}`, { headers: auth });
    const documentBody = Buffer.from(await captured.arrayBuffer());
    if (!captured.ok) throw new Error(`GET ${documentPath}: ${captured.status}`);
    const headers: Record<string, string> = {};
    captured.headers.forEach((value, name) => {
      if (!['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(name)) headers[name] = value;
    });
    headers['content-length'] = String(documentBody.length);
    const bodyFile = join(dir, 'document.json');
    writeFileSync(bodyFile, documentBody);
    ceiling = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'bench', 'ceiling.ts'), bodyFile, JSON.stringify(headers)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const ceilingPort = await new Promise<number>((resolve, reject) => {
      ceiling!.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      ceiling!.once('exit', (code) => reject(new Error(`the ceiling server exited with ${code}`)));
    });

    const owned = await createOwnedPositions(base, connections);
    let writeSerial = 0;
    const documentRequest = request('GET', documentPath, auth);
    const positionsRequest = request('GET', `/api/negotiations/${NEGOTIATION}/positions`, auth);
    const allCases: Case[] = [
      {
        name: 'ceiling',
        label: 'ceiling: bare node:http, same bytes as the document',
        port: ceilingPort,
        clients: () => Array.from({ length: connections }, () => ({ next: () => documentRequest })),
      },
      {
        name: 'document',
        label: 'GET …/document (delegate)',
        port,
        clients: () => Array.from({ length: connections }, () => ({ next: () => documentRequest })),
      },
      {
        name: 'positions',
        label: 'GET …/positions (delegate)',
        port,
        clients: () => Array.from({ length: connections }, () => ({ next: () => positionsRequest })),
      },
      {
        name: 'writes',
        label: 'PATCH …/positions/:id (own position, last revision)',
        port,
        clients: () =>
          owned.map((position) => ({
            next: () =>
              request(
                'PATCH',
                `/api/negotiations/${NEGOTIATION}/positions/${position.id}`,
                { authorization: `Bearer ${position.token}`, 'content-type': 'application/json' },
                JSON.stringify({ revision: position.revision, rationale: `benchmark write ${++writeSerial}` }),
              ),
            onResponse: (response) => {
              if (response.status !== 200) return false;
              const revision = /"revision":(\d+)/.exec(response.body.toString('utf8'));
              if (!revision) return false;
              position.revision = Number(revision[1]);
              return true;
            },
          })),
      },
    ];

    // `--only writes` (or a comma-separated list) runs those cases beside the ceiling, e.g. to profile one.
    const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : null;
    const cases = allCases.filter((c) => only === null || c.name === 'ceiling' || only.includes(c.name));
    // One short warm-up of each case (not counted), then the measured rounds.
    for (const c of cases) await runLoad(c.port, c.clients(), Math.min(1000, seconds * 1000));
    const results = new Map<CaseName, LoadResult[]>(cases.map((c) => [c.name, []]));
    const ratios = new Map<CaseName, number[]>(cases.map((c) => [c.name, []]));
    for (let round = 1; round <= rounds; round++) {
      const rates = new Map<CaseName, number>();
      for (const c of cases) {
        const result = await runLoad(c.port, c.clients(), seconds * 1000);
        results.get(c.name)!.push(result);
        rates.set(c.name, result.requests / result.seconds);
      }
      for (const c of cases) ratios.get(c.name)!.push(rates.get(c.name)! / rates.get('ceiling')!);
      process.stderr.write(
        `round ${round}/${rounds}: ${cases.map((c) => `${c.name} ${rates.get(c.name)!.toFixed(0)}/s`).join(', ')}\n`,
      );
    }
    await stop(ceiling);
    await stop(server);

    const audit = spawnSync(process.execPath, [CLI, 'audit', 'verify', '--db', db], { cwd: ROOT, encoding: 'utf8' });
    const auditIntact = audit.status === 0;

    // CLI start-up, interleaved: bare node, --help, analyze on Energy.
    const energy = join(ROOT, 'test', 'fixtures', 'genius', 'Energy');
    const energyFiles = readdirSync(energy)
      .filter((file) => file.endsWith('.xml'))
      .sort()
      .map((file) => join(energy, file));
    const commands = {
      bare: ['-e', '0'],
      help: [CLI, '--help'],
      analyze: [CLI, 'analyze', '--genius', ...energyFiles],
    };
    const times = { bare: [] as number[], help: [] as number[], analyze: [] as number[] };
    timeCommand(commands.help); // warms the file-system cache and tsx's compile cache
    timeCommand(commands.analyze);
    for (let run = 0; run < cliRuns; run++) {
      for (const key of ['bare', 'help', 'analyze'] as const) times[key].push(timeCommand(commands[key]));
    }
    const bare = median(times.bare);
    const helpExtra = median(times.help) - bare;
    const analyzeExtra = median(times.analyze) - bare;

    const summary = new Map(cases.map((c) => [c.name, summarise(results.get(c.name)!)]));
    const ratioOf = (name: CaseName) => median(ratios.get(name) ?? [0]);
    const none = { rate: 0, p50: 0, p99: 0, requests: 0, errors: 0 };
    const document = summary.get('document') ?? none;
    const positions = summary.get('positions') ?? none;
    const writes = summary.get('writes') ?? none;
    const targets: Record<CaseName, [string, boolean]> = {
      ceiling: ['', true],
      document: [
        '≥ 30 % of the ceiling, p99 < 50 ms',
        ratioOf('document') >= 0.3 && document.p99 < 50 && document.errors === 0,
      ],
      positions: ['≥ 25 % of the ceiling', ratioOf('positions') >= 0.25 && positions.errors === 0],
      writes: ['≥ 1,000 acknowledged writes/s', writes.rate >= 1000],
    };
    console.log(
      '| case | req/s (median of rounds) | ratio to ceiling | p50 ms | p99 ms | requests | errors | target | met |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const c of cases) {
      const s = summary.get(c.name)!;
      const [target, met] = targets[c.name];
      console.log(
        `| ${c.label} | ${s.rate.toFixed(0)} | ${c.name === 'ceiling' ? '1' : `${(ratioOf(c.name) * 100).toFixed(1)} %`} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${s.requests.toLocaleString('en')} | ${s.errors} | ${target} | ${c.name === 'ceiling' ? '' : mark(met)} |`,
      );
    }
    console.log(`\nratio to ceiling: median over the rounds of (case req/s ÷ ceiling req/s in the same round)`);
    console.log(
      `writes acknowledged: ${(writes.requests - writes.errors).toLocaleString('en')} of ${writes.requests.toLocaleString('en')}`,
    );
    console.log(
      `audit chain after the writes: ${auditIntact ? 'intact' : '**BROKEN**'} — ${audit.stdout.trim() || audit.stderr.trim()}`,
    );
    console.log(`\nCLI start-up, median of ${cliRuns} runs each, interleaved; bare \`node -e 0\` ${fmt(bare)} ms\n`);
    console.log('| command | median ms | above bare node ms | target | met |');
    console.log('|---|---|---|---|---|');
    console.log(`| node -e 0 | ${fmt(bare)} | 0 | | |`);
    console.log(
      `| parley --help | ${fmt(median(times.help))} | ${fmt(helpExtra)} | within 150 ms of bare node | ${mark(helpExtra <= 150)} |`,
    );
    console.log(
      `| parley analyze --genius Energy/*.xml | ${fmt(median(times.analyze))} | ${fmt(analyzeExtra)} | within 250 ms of bare node | ${mark(analyzeExtra <= 250)} |`,
    );
    succeeded = true;
  } finally {
    if (ceiling) await stop(ceiling);
    await stop(server);
    if (succeeded) rmSync(dir, { recursive: true, force: true });
    else console.error(`kept ${dir} (the database and the server's log) to look at`);
  }
}

await main();
