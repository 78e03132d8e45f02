/**
 * Server benchmark: `npm run bench:server`.
 *
 * Starts the real `parley serve`, each in its own process (bench/cluster.ts), on three
 * deployments of the Geneva demo, and a bare `node:http` server in another process that answers
 * with the exact bytes and headers of the document read (the ceiling):
 *
 * - sqlite: one process on a fresh SQLite file (WAL, `synchronous = FULL`, as the CLI opens it);
 * - postgres: one process on a PostgreSQL database (a throwaway cluster from scripts/postgres.js);
 * - postgres ×2: two processes on another database of that cluster, behind Debian's nginx
 *   (round-robin, kept-alive upstream connections, no access log: `nginxConfig` in cluster.ts).
 *
 * This process drives the load (bench/load.ts: raw keep-alive sockets, one request in flight per
 * connection) and shares no server's process. Per deployment, three cases; all cases run
 * interleaved in short rounds (ceiling, sqlite document, …, postgres ×2 writes, ceiling, …) so
 * that the noise of a shared machine hits all alike, and each case's rate is divided by the
 * ceiling's in the same round:
 *
 * - ceiling: the bare server, the captured document body (and, with a proxied deployment, the
 *   same bare server behind nginx, to show the proxy's own cost);
 * - document: GET /api/negotiations/geneva-2025/document as Ukraine's delegation lead;
 * - positions: GET /api/negotiations/geneva-2025/positions, the same delegate;
 * - writes: every connection owns one position (created first, as members of parties other
 *   than the reader's) and PATCHes it with the revision its previous write returned; any
 *   answer other than 200 (a 409 included) is an error.
 *
 * Then stops the servers, runs `parley audit verify` on each database, and times CLI start-up
 * (`parley --help`, `parley analyze` on the Energy domain) against `node -e 0`, interleaved,
 * the median of several runs each. Prints the figures beside the targets and writes the same
 * tables to bench/RESULTS-server.md (the README quotes them); misses are marked but the exit
 * code is 0 (the benchmark only reports).
 *
 * Options (or environment): `--rounds N` (PARLEY_BENCH_ROUNDS, default 5), `--seconds S` per
 * case and round (PARLEY_BENCH_SECONDS, default 3), `--connections N` (default 50),
 * `--cli-runs N` (PARLEY_BENCH_CLI_RUNS, default 7), `--engines sqlite,postgres,postgres-2`
 * (PARLEY_BENCH_ENGINES, default all three; PostgreSQL and nginx are installed when missing and
 * root), `--only writes` (some cases beside the ceiling), `--out FILE` (default
 * bench/RESULTS-server.md; `-` for none); PARLEY_BENCH_PROFILE=DIR profiles the servers into DIR.
 * The default run takes about 4 minutes.
 */
import { consolidationCase } from './consolidation.ts';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { CLI, loadDemo, startCluster, startNginx, stopProcess, type Cluster, type Nginx } from './cluster.ts';
import { option, textOption } from './options.ts';
import { quantile, request, runLoad, type Client, type LoadResult } from './load.ts';
import {
  createOwnedPositions,
  DOCUMENT_PATH,
  POSITIONS_PATH,
  READER,
  readClients,
  signIn,
  writeClients,
} from './workload.ts';

const ROOT = join(import.meta.dirname, '..');

const rounds = Math.round(option('rounds', 'PARLEY_BENCH_ROUNDS', 5));
const seconds = option('seconds', 'PARLEY_BENCH_SECONDS', 3);
const connections = Math.round(option('connections', 'PARLEY_BENCH_CONNECTIONS', 50));
const cliRuns = Math.round(option('cli-runs', 'PARLEY_BENCH_CLI_RUNS', 7));
const DEPLOYMENTS = ['sqlite', 'postgres', 'postgres-2'] as const;
type Deployment = (typeof DEPLOYMENTS)[number];
const engines = (textOption('engines', 'PARLEY_BENCH_ENGINES') ?? DEPLOYMENTS.join(','))
  .split(',')
  .map((e) => e.trim())
  .filter(Boolean);
for (const engine of engines)
  if (!(DEPLOYMENTS as readonly string[]).includes(engine)) {
    console.error(`--engines takes ${DEPLOYMENTS.join(', ')} (comma-separated), not "${engine}"`);
    process.exit(2);
  }
const outFile = textOption('out', 'PARLEY_BENCH_OUT') ?? join(ROOT, 'bench', 'RESULTS-server.md');

const DEPLOYMENT_LABEL: Record<Deployment, string> = {
  sqlite: 'SQLite, 1 process',
  postgres: 'PostgreSQL, 1 process',
  'postgres-2': 'PostgreSQL, 2 processes behind nginx',
};

type Kind = 'document' | 'positions' | 'writes';

interface Case {
  /** `ceiling`, `ceiling via nginx`, or `<deployment> <kind>`. */
  name: string;
  label: string;
  deployment: Deployment | null;
  kind: Kind | 'ceiling';
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

interface Postgres {
  url: string;
  stop(): void;
}

/** A throwaway PostgreSQL (scripts/postgres.js), with one database per deployment. */
async function startPostgres(): Promise<Postgres> {
  const script = '../scripts/postgres.js';
  const { startPostgres: start } = (await import(script)) as { startPostgres: () => Promise<Postgres> };
  return start();
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

interface Running {
  deployment: Deployment;
  db: string;
  cluster: Cluster;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const profile = process.env.PARLEY_BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PARLEY_BENCH_PROFILE}`]
    : [];
  const machine = `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})`;
  const setup = `${connections} connections, ${rounds} rounds × ${seconds} s per case, interleaved`;
  console.log(`${machine}; ${setup}; files in ${dir}\n`);
  let postgres: Postgres | undefined;
  const running: Running[] = [];
  let ceiling: ChildProcess | undefined;
  let proxiedCeiling: Nginx | undefined;
  let succeeded = false;
  try {
    if (engines.some((e) => e.startsWith('postgres'))) postgres = await startPostgres();
    for (const deployment of engines as Deployment[]) {
      const db =
        deployment === 'sqlite'
          ? join(dir, 'parley.db')
          : await createDatabase(postgres!.url, deployment === 'postgres' ? 'parley_one' : 'parley_two');
      loadDemo(db);
      const cluster = await startCluster({
        db,
        dir,
        processes: deployment === 'postgres-2' ? 2 : 1,
        nodeArgs: profile,
        args: deployment === 'postgres-2' ? ['--trust-proxy', '127.0.0.1'] : [],
      });
      running.push({ deployment, db, cluster });
      process.stderr.write(
        `${DEPLOYMENT_LABEL[deployment]}: ${cluster.base} (server pids ${cluster.servers.map((s) => s.pid).join(', ')})\n`,
      );
    }
    const first = running[0]!.cluster;

    // Capture the real document answer once; the ceiling serves exactly these bytes and headers.
    const firstToken = await signIn(first.base, READER);
    const captured = await fetch(`${first.base}${DOCUMENT_PATH}`, {
      headers: { authorization: `Bearer ${firstToken}` },
    });
    const documentBody = Buffer.from(await captured.arrayBuffer());
    if (!captured.ok) throw new Error(`GET ${DOCUMENT_PATH}: ${captured.status}`);
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
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const ceilingPort = await new Promise<number>((resolve, reject) => {
      ceiling!.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      ceiling!.once('exit', (code) => reject(new Error(`the ceiling server exited with ${code}`)));
    });
    const ceilingRequest = request('GET', DOCUMENT_PATH, { authorization: `Bearer ${firstToken}` });
    const allCases: Case[] = [
      {
        name: 'ceiling',
        label: 'ceiling: bare node:http, same bytes as the document',
        deployment: null,
        kind: 'ceiling',
        port: ceilingPort,
        clients: () => readClients(ceilingRequest, connections),
      },
    ];
    if (running.some((r) => r.cluster.nginx)) {
      proxiedCeiling = await startNginx({ upstreams: [ceilingPort], dir });
      allCases.push({
        name: 'ceiling via nginx',
        label: 'the same bare server behind nginx',
        deployment: null,
        kind: 'ceiling',
        port: proxiedCeiling.port,
        clients: () => readClients(ceilingRequest, connections),
      });
    }
    for (const { deployment, cluster } of running) {
      const token = await signIn(cluster.base, READER);
      const auth = { authorization: `Bearer ${token}` };
      const documentRequest = request('GET', DOCUMENT_PATH, auth);
      const positionsRequest = request('GET', POSITIONS_PATH, auth);
      const owned = await createOwnedPositions(cluster.base, connections);
      const label = DEPLOYMENT_LABEL[deployment];
      allCases.push(
        {
          name: `${deployment} document`,
          label: `${label}: GET …/document (delegate)`,
          deployment,
          kind: 'document',
          port: cluster.port,
          clients: () => readClients(documentRequest, connections),
        },
        {
          name: `${deployment} positions`,
          label: `${label}: GET …/positions (delegate)`,
          deployment,
          kind: 'positions',
          port: cluster.port,
          clients: () => readClients(positionsRequest, connections),
        },
        {
          name: `${deployment} writes`,
          label: `${label}: PATCH …/positions/:id (own position, last revision)`,
          deployment,
          kind: 'writes',
          port: cluster.port,
          clients: () => writeClients(owned),
        },
      );
    }

    // `--only writes` (or a comma-separated list of kinds) runs those cases beside the ceilings, e.g. to profile one.
    const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : null;
    const cases = allCases.filter((c) => only === null || c.kind === 'ceiling' || only.includes(c.kind));
    // One short warm-up of each case (not counted), then the measured rounds.
    for (const c of cases) await runLoad(c.port, c.clients(), Math.min(1000, seconds * 1000));
    const results = new Map<string, LoadResult[]>(cases.map((c) => [c.name, []]));
    const ratios = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    for (let round = 1; round <= rounds; round++) {
      const rates = new Map<string, number>();
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
    await stopProcess(ceiling);
    if (proxiedCeiling) await proxiedCeiling.stop();
    for (const r of running) await r.cluster.stop();

    const audits = running.map(({ deployment, db }) => {
      const audit = spawnSync(process.execPath, [CLI, 'audit', 'verify', '--db', db], { cwd: ROOT, encoding: 'utf8' });
      return { deployment, intact: audit.status === 0, text: audit.stdout.trim() || audit.stderr.trim() };
    });

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
    timeCommand(commands.help); // warms the file-system cache
    timeCommand(commands.analyze);
    for (let run = 0; run < cliRuns; run++) {
      for (const key of ['bare', 'help', 'analyze'] as const) times[key].push(timeCommand(commands[key]));
    }
    const bare = median(times.bare);
    const helpExtra = median(times.help) - bare;
    const analyzeExtra = median(times.analyze) - bare;

    const ratioOf = (name: string) => median(ratios.get(name) ?? [0]);
    const target = (c: Case, s: ReturnType<typeof summarise>): [string, boolean | null] => {
      switch (c.kind) {
        case 'ceiling':
          return ['', null];
        case 'document':
          return ['≥ 30 % of the ceiling, p99 < 50 ms', ratioOf(c.name) >= 0.3 && s.p99 < 50 && s.errors === 0];
        case 'positions':
          return ['≥ 25 % of the ceiling', ratioOf(c.name) >= 0.25 && s.errors === 0];
        case 'writes':
          return ['≥ 1,000 acknowledged writes/s', s.rate >= 1000 && s.errors === 0];
      }
    };
    const lines: string[] = [];
    const out = (line = '') => {
      console.log(line);
      lines.push(line);
    };
    out('| case | req/s (median of rounds) | ratio to ceiling | p50 ms | p99 ms | requests | errors | target | met |');
    out('|---|---|---|---|---|---|---|---|---|');
    for (const c of cases) {
      const s = summarise(results.get(c.name)!);
      const [goal, met] = target(c, s);
      out(
        `| ${c.label} | ${s.rate.toFixed(0)} | ${c.name === 'ceiling' ? '1' : `${(ratioOf(c.name) * 100).toFixed(1)} %`} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${s.requests.toLocaleString('en')} | ${s.errors} | ${goal} | ${met === null ? '' : mark(met)} |`,
      );
    }
    out();
    out('ratio to ceiling: median over the rounds of (case req/s ÷ bare ceiling req/s in the same round)');
    for (const { deployment, intact, text } of audits)
      out(
        `audit chain after the writes, ${DEPLOYMENT_LABEL[deployment]}: ${intact ? 'intact' : '**BROKEN**'} — ${text}`,
      );
    out();
    out(`CLI start-up, median of ${cliRuns} runs each, interleaved; bare \`node -e 0\` ${fmt(bare)} ms`);
    out();
    out('| command | median ms | above bare node ms | target | met |');
    out('|---|---|---|---|---|');
    out(`| node -e 0 | ${fmt(bare)} | 0 | | |`);
    out(
      `| parley --help | ${fmt(median(times.help))} | ${fmt(helpExtra)} | within 150 ms of bare node | ${mark(helpExtra <= 150)} |`,
    );
    out(
      `| parley analyze --genius Energy/*.xml | ${fmt(median(times.analyze))} | ${fmt(analyzeExtra)} | within 250 ms of bare node | ${mark(analyzeExtra <= 250)} |`,
    );
    const consolidation = await consolidationCase(dir);
    out();
    out(
      `Consolidation (SQLite, in process): ${consolidation.amendments} accepted amendments over ${consolidation.points} points in ${fmt(consolidation.ms)} ms`,
    );
    if (outFile !== '-') {
      const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
      writeFileSync(
        outFile,
        `# Server benchmark: the last run\n\nWritten by \`npm run bench:server\` (bench/server.ts) on ${when} UTC: ${machine}; ${setup}; deployments: ${engines.map((e) => DEPLOYMENT_LABEL[e as Deployment]).join('; ')}.\n\n${lines.join('\n')}\n`,
      );
      console.log(`\nwritten to ${outFile}`);
    }
    succeeded = true;
  } finally {
    if (ceiling) await stopProcess(ceiling);
    if (proxiedCeiling) await proxiedCeiling.stop();
    for (const r of running) await r.cluster.stop();
    postgres?.stop();
    if (succeeded) rmSync(dir, { recursive: true, force: true });
    else console.error(`kept ${dir} (the databases and the servers' logs) to look at`);
  }
}

await main();
