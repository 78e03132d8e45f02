/**
 * Soak: `npm run soak:server` (not in CI; it takes 10 minutes).
 *
 * Two `parley serve` processes on a throwaway PostgreSQL (scripts/postgres.js) loaded with the
 * Geneva demo, behind nginx (bench/cluster.ts), under a steady mix from this process: a fifth of
 * the connections write (each PATCHes its own position with the last revision), the rest read the
 * document and the positions as a delegate. The load runs in slices of `--interval` seconds;
 * after each, the resident memory (RSS) of each server process is sampled. At the end it compares
 * each process's median RSS over the first third of the samples with the last third: memory is
 * "flat" when the last third is within 10 % (and 32 MiB) of the first. Then `parley audit verify`.
 * Writes the figures to bench/RESULTS-soak.md (the README quotes them).
 *
 * Options (or environment): `--minutes M` (PARLEY_SOAK_MINUTES, default 10), `--interval S`
 * (PARLEY_SOAK_INTERVAL, default 10), `--connections N` (default 50), `--out FILE` (`-` for none).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, loadDemo, residentBytes, startCluster, type Cluster } from './cluster.ts';
import { option } from './options.ts';
import { request, runLoad } from './load.ts';
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

const minutes = option('minutes', 'PARLEY_SOAK_MINUTES', 10);
const interval = option('interval', 'PARLEY_SOAK_INTERVAL', 10);
const connections = Math.max(5, Math.round(option('connections', 'PARLEY_SOAK_CONNECTIONS', 50)));
const outIndex = process.argv.indexOf('--out');
const outFile = outIndex >= 0 ? process.argv[outIndex + 1]! : join(ROOT, 'bench', 'RESULTS-soak.md');

const MiB = 1024 * 1024;
const mib = (bytes: number) => (bytes / MiB).toFixed(1);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface Sample {
  at: number;
  rss: number[];
  reads: number;
  writes: number;
  errors: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-soak-'));
  const script = '../scripts/postgres.js';
  const { startPostgres } = (await import(script)) as {
    startPostgres: () => Promise<{ url: string; stop(): void }>;
  };
  const postgres = await startPostgres();
  let cluster: Cluster | undefined;
  let succeeded = false;
  try {
    loadDemo(postgres.url);
    cluster = await startCluster({ db: postgres.url, dir, processes: 2, args: ['--trust-proxy', '127.0.0.1'] });
    const pids = cluster.servers.map((s) => s.pid);
    const token = await signIn(cluster.base, READER);
    const auth = { authorization: `Bearer ${token}` };
    const writers = Math.max(1, Math.round(connections / 5));
    const owned = await createOwnedPositions(cluster.base, writers);
    const readers = connections - writers;
    const documentRequest = request('GET', DOCUMENT_PATH, auth);
    const positionsRequest = request('GET', POSITIONS_PATH, auth);
    const writeSet = writeClients(owned);
    const readSet = [
      ...readClients(documentRequest, Math.ceil(readers / 2)),
      ...readClients(positionsRequest, Math.floor(readers / 2)),
    ];
    const machine = `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})`;
    const setup = `${minutes} min; ${connections} connections (${writers} writing, ${readers} reading the document and the positions); RSS sampled every ${interval} s`;
    console.log(`${machine}; PostgreSQL, 2 processes behind nginx (pids ${pids.join(', ')}); ${setup}\n`);

    const samples: Sample[] = [{ at: 0, rss: pids.map(residentBytes), reads: 0, writes: 0, errors: 0 }];
    const started = performance.now();
    const end = started + minutes * 60_000;
    while (performance.now() < end) {
      const sliceMs = Math.min(interval * 1000, end - performance.now());
      // Writers and readers as two loads at once on the same proxy, so each is counted apart.
      const [written, read] = await Promise.all([
        runLoad(cluster.port, writeSet, sliceMs),
        runLoad(cluster.port, readSet, sliceMs),
      ]);
      const sample: Sample = {
        at: (performance.now() - started) / 1000,
        rss: pids.map(residentBytes),
        reads: read.requests,
        writes: written.requests,
        errors: read.errors + written.errors,
      };
      samples.push(sample);
      const seconds = sliceMs / 1000;
      process.stderr.write(
        `${sample.at.toFixed(0)} s: ${(sample.reads / seconds).toFixed(0)} reads/s, ${(sample.writes / seconds).toFixed(0)} writes/s, ${sample.errors} errors; RSS ${sample.rss.map(mib).join(' / ')} MiB\n`,
      );
    }
    await cluster.stop();
    const audit = spawnSync(process.execPath, [CLI, 'audit', 'verify', '--db', postgres.url], {
      cwd: ROOT,
      encoding: 'utf8',
    });

    const measured = samples.slice(1);
    const third = Math.max(1, Math.floor(measured.length / 3));
    const firstThird = measured.slice(0, third);
    const lastThird = measured.slice(-third);
    const lines: string[] = [];
    const out = (line = '') => {
      console.log(line);
      lines.push(line);
    };
    let flat = true;
    out(
      '| server process | RSS at start MiB | median RSS, first third MiB | median RSS, last third MiB | change | max MiB | flat |',
    );
    out('|---|---|---|---|---|---|---|');
    pids.forEach((pid, i) => {
      const a = median(firstThird.map((s) => s.rss[i]!));
      const b = median(lastThird.map((s) => s.rss[i]!));
      const max = Math.max(...measured.map((s) => s.rss[i]!));
      const ok = b <= a * 1.1 || b - a <= 32 * MiB;
      flat &&= ok;
      out(
        `| ${i + 1} (pid ${pid}) | ${mib(samples[0]!.rss[i]!)} | ${mib(a)} | ${mib(b)} | ${(((b - a) / a) * 100).toFixed(1)} % | ${mib(max)} | ${ok ? 'yes' : '**NO — grew**'} |`,
      );
    });
    const rate = (part: Sample[], key: 'reads' | 'writes') =>
      part.reduce((sum, s) => sum + s[key], 0) / (part.length * interval);
    const errors = measured.reduce((sum, s) => sum + s.errors, 0);
    const writes = measured.reduce((sum, s) => sum + s.writes, 0);
    const reads = measured.reduce((sum, s) => sum + s.reads, 0);
    out();
    out(
      `requests: ${reads.toLocaleString('en')} reads and ${writes.toLocaleString('en')} writes, ${errors} errors; reads/s first third ${rate(firstThird, 'reads').toFixed(0)}, last third ${rate(lastThird, 'reads').toFixed(0)}; writes/s first third ${rate(firstThird, 'writes').toFixed(0)}, last third ${rate(lastThird, 'writes').toFixed(0)}`,
    );
    out(`memory flat (last third within 10 % or 32 MiB of the first): ${flat ? 'yes' : '**NO**'}`);
    out(
      `audit chain after the soak: ${audit.status === 0 ? 'intact' : '**BROKEN**'} — ${audit.stdout.trim() || audit.stderr.trim()}`,
    );
    if (outFile !== '-') {
      const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
      const series = samples.map((s) => `| ${s.at.toFixed(0)} | ${s.rss.map(mib).join(' | ')} |`).join('\n');
      writeFileSync(
        outFile,
        `# Server soak: the last run\n\nWritten by \`npm run soak:server\` (bench/soak.ts) on ${when} UTC: ${machine}; PostgreSQL, 2 processes behind nginx; ${setup}.\n\n${lines.join('\n')}\n\nRSS of each server process (MiB) over time:\n\n| s | ${pids.map((_, i) => `process ${i + 1}`).join(' | ')} |\n|---|${pids.map(() => '---|').join('')}\n${series}\n`,
      );
      console.log(`\nwritten to ${outFile}`);
    }
    succeeded = true;
  } finally {
    if (cluster) await cluster.stop();
    postgres.stop();
    if (succeeded) rmSync(dir, { recursive: true, force: true });
    else console.error(`kept ${dir} (the servers' logs) to look at`);
  }
}

await main();
