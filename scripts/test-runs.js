// Runs test runs side by side on a fixed number of slots (the machine's cores) and sums them up.
//
// A run is a Node version, an environment and a list of test files:
//
//   { name: 'node 24', node: 24, files: [...], env: { ... },
//     setup: async () => ({ ...more env }),   // optional, e.g. start a database; takes a slot while it runs
//     teardown: async () => {} }              // optional, once the run's last file has finished (or on abort)
//
// Every file of every run is one job: `node --import tsx --test <file>` on that run's Node. A slot takes
// the ready job expected to take longest (the times of earlier runs are kept in .cache/test-times.json;
// browser tests first when none are known), so the runs share the cores and end together. A run's jobs
// are ready once its Node is prepared (scripts/nodes.js: fetched, native addons built — a job taking
// a slot) and its setup has returned. Each file's output is printed whole when it ends, under the run's
// name; the closing lines sum up every run, `# pass N` and `# fail N` over all of them, and last
// "N passed, N failed" alone on its line.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cacheDir, prepareNode } from './nodes.js';

/**
 * @typedef {object} Run
 * @property {string} name the run's name in the output, e.g. "node 24"
 * @property {number} node the Node major it runs on (scripts/nodes.js prepares it)
 * @property {string[]} files the test files, relative to the project
 * @property {Record<string, string>} [env] environment for its files, over the inherited one
 * @property {() => Promise<Record<string, string> | void>} [setup] before its files; returns more environment
 * @property {() => Promise<void>} [teardown] after its last file, or when the run is aborted
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const timesFile = join(cacheDir, 'test-times.json');
const COUNTS = ['tests', 'pass', 'fail', 'cancelled', 'skipped', 'todo'];
/** The longest one test file may run (the slowest take about two minutes on a quiet machine). */
const FILE_LIMIT_MS = (Number(process.env.PARLEY_TEST_FILE_LIMIT_S) || 600) * 1000;

const seconds = (ms) => ms / 1000;
function duration(ms) {
  const s = Math.round(seconds(ms));
  return s < 60 ? `${seconds(ms).toFixed(1)} s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** The closing counts of Node's spec reporter (`ℹ pass 12`), the last of each. */
function counts(output) {
  const text = output.replace(/\x1b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex
  return Object.fromEntries(
    COUNTS.map((key) => {
      const all = [...text.matchAll(new RegExp(`^ℹ ${key} (\\d+)$`, 'gm'))];
      return [key, all.length ? Number(all.at(-1)[1]) : 0];
    }),
  );
}

function readTimes() {
  try {
    return JSON.parse(readFileSync(timesFile, 'utf8'));
  } catch {
    return {};
  }
}

/** How long a file is expected to take: as last time, else browser tests first, then the larger files. */
function expected(times, file) {
  if (times[file] !== undefined) return times[file];
  const browser = file.startsWith(join('test', 'web') + sep) ? 1000 : 0;
  return browser + statSync(join(root, file)).size / 1000;
}

/**
 * Runs every file of every run on `slots` slots and prints each file's output and the closing summary.
 * @returns {Promise<boolean>} whether everything passed
 */
export async function runAll(runs, { slots, alone = new Set() }) {
  const started = Date.now();
  const times = readTimes();
  const running = new Set();
  const nodes = new Map(); // major → { state, value | error, ms }
  const states = runs.map((run) => ({
    run,
    setup: run.setup ? { state: 'waiting' } : { state: 'done', value: {} },
    left: run.files.length,
    first: undefined,
    last: undefined,
    busy: 0,
    results: [],
    tornDown: false,
  }));
  for (const { node } of runs) if (!nodes.has(node)) nodes.set(node, { state: 'waiting' });
  const current = Number(process.versions.node.split('.')[0]);
  const files = (major) => runs.filter((run) => run.node === major).reduce((n, run) => n + run.files.length, 0);

  /** The tasks to start, best first: preparations and setups, then the longest files. */
  const queue = [
    // The current Node first (nothing to do), then the Nodes of the most files.
    ...[...nodes.keys()].map((major) => ({
      kind: 'node',
      major,
      weight: major === current ? 3e9 : 2e9 + files(major),
    })),
    ...states.filter((s) => s.run.setup).map((s) => ({ kind: 'setup', s, weight: 1e9 })),
    ...states.flatMap((s) =>
      s.run.files.map((file) => ({ kind: 'file', s, file, weight: expected(times, file), alone: alone.has(file) })),
    ),
  ].sort((a, b) => b.weight - a.weight);

  const ready = (task) => {
    if (task.kind !== 'file') return true;
    const node = nodes.get(task.s.run.node);
    return (
      node.state !== 'waiting' &&
      node.state !== 'running' &&
      task.s.setup.state !== 'waiting' &&
      task.s.setup.state !== 'running'
    );
  };

  async function teardown(s) {
    if (s.tornDown || !s.run.teardown) return;
    s.tornDown = true;
    try {
      await s.run.teardown();
    } catch (error) {
      console.error(`${s.run.name}: teardown failed: ${error.message}`);
    }
  }

  function runFile(s, file) {
    const node = nodes.get(s.run.node).value;
    const env = { ...process.env, ...node.env, ...s.run.env, ...s.setup.value };
    if (process.stdout.isTTY && env.FORCE_COLOR === undefined) env.FORCE_COLOR = '1';
    const args = ['--import', 'tsx', '--test', '--test-reporter=spec', file];
    return new Promise((resolve) => {
      const t0 = Date.now();
      const child = spawn(node.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      running.add(child);
      let output = '';
      // A file that does not end (a handle left open, a hang) fails instead of holding the whole run.
      const limit = setTimeout(() => {
        output += `\n✖ ${file} did not end within ${duration(FILE_LIMIT_MS)} (PARLEY_TEST_FILE_LIMIT_S): stopped\n`;
        child.kill('SIGKILL');
      }, FILE_LIMIT_MS);
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('error', (error) => (output += `\n${error.message}\n`));
      child.on('close', (code, signal) => {
        clearTimeout(limit);
        running.delete(child);
        resolve({ file, code: code ?? (signal ? 128 : 1), output, counts: counts(output), ms: Date.now() - t0, t0 });
      });
    });
  }

  function report(s, result) {
    const { counts: c, code } = result;
    // A file that failed without a failing test (it did not load, it crashed) counts as one failure.
    result.failed = c.fail + c.cancelled + (code !== 0 && c.fail + c.cancelled === 0 ? 1 : 0);
    const mark = result.failed ? '✖' : '✔';
    const what = `${s.run.name} · ${result.file}`;
    process.stdout.write(`\n━━ ${what}\n${result.output.trimEnd()}\n`);
    const why = code !== 0 && !c.fail && !c.cancelled ? `, exit ${code}` : '';
    console.log(`${mark} ${what}: ${c.pass} passed, ${result.failed} failed${why} (${duration(result.ms)})`);
  }

  async function start(task) {
    if (task.kind === 'node') {
      const entry = nodes.get(task.major);
      entry.state = 'running';
      const t0 = Date.now();
      try {
        entry.value = await prepareNode(task.major);
        entry.state = 'done';
        const how = entry.value.env.PARLEY_SQLITE_ADDON ? ', better-sqlite3 built for it' : '';
        if (entry.value.execPath !== process.execPath)
          console.log(
            `\n━━ node ${task.major}: ${entry.value.execPath} (${entry.value.version}${how}, ${duration(Date.now() - t0)})`,
          );
      } catch (error) {
        entry.state = 'failed';
        entry.error = error;
        console.error(`\n✖ node ${task.major} could not be prepared: ${error.message}`);
      }
      entry.ms = Date.now() - t0;
    } else if (task.kind === 'setup') {
      task.s.setup.state = 'running';
      const t0 = Date.now();
      try {
        task.s.setup.value = (await task.s.run.setup()) ?? {};
        task.s.setup.state = 'done';
        console.log(`\n━━ ${task.s.run.name}: set up (${duration(Date.now() - t0)})`);
      } catch (error) {
        task.s.setup.state = 'failed';
        task.s.setup.error = error;
        console.error(`\n✖ ${task.s.run.name} could not be set up: ${error.message}`);
      }
    } else {
      const s = task.s;
      const node = nodes.get(s.run.node);
      let result;
      if (node.state === 'failed' || s.setup.state === 'failed') {
        const error = node.state === 'failed' ? node.error : s.setup.error;
        result = { file: task.file, code: 1, output: error.message, counts: counts(''), ms: 0, t0: Date.now() };
      } else {
        result = await runFile(s, task.file);
      }
      s.first = Math.min(s.first ?? result.t0, result.t0);
      s.last = Date.now();
      s.busy += result.ms;
      report(s, result);
      s.results.push(result);
      times[task.file] = seconds(result.ms);
      if (--s.left === 0) await teardown(s);
    }
  }

  let aborted = false;
  const abort = (signal) => {
    aborted = true;
    for (const child of running) child.kill(signal);
    Promise.all(states.map(teardown)).finally(() => process.exit(130));
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);

  await new Promise((resolve) => {
    let busy = 0;
    // A file that must run alone takes every slot: it starts once the others have ended, and nothing
    // starts beside it.
    let solo = false;
    const next = () => {
      if (aborted) return;
      while (busy < slots && !solo) {
        const index = queue.findIndex(ready);
        if (index < 0) break;
        if (queue[index].alone && busy > 0) break;
        const [task] = queue.splice(index, 1);
        busy++;
        if (task.alone) solo = true;
        start(task).finally(() => {
          busy--;
          if (task.alone) solo = false;
          next();
        });
      }
      if (busy === 0 && queue.length === 0) resolve();
    };
    next();
  });
  process.off('SIGINT', abort);
  process.off('SIGTERM', abort);

  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(timesFile, JSON.stringify(times, null, 1) + '\n');

  const total = Object.fromEntries(COUNTS.map((key) => [key, 0]));
  let failed = 0;
  console.log(
    `\n━━ ${runs.length} run${runs.length === 1 ? '' : 's'} on ${slots} slots in ${duration(Date.now() - started)}:`,
  );
  for (const s of states) {
    const node = nodes.get(s.run.node);
    const sum = Object.fromEntries(COUNTS.map((key) => [key, s.results.reduce((n, r) => n + r.counts[key], 0)]));
    const runFailed = s.results.reduce((n, r) => n + r.failed, 0);
    for (const key of COUNTS) total[key] += sum[key];
    failed += runFailed;
    const version = node.value ? ` (${node.value.version})` : '';
    const wall = s.first === undefined ? '' : `, ${duration(s.last - s.first)} from its first file to its last`;
    console.log(
      `  ${s.run.name}${version}: ${s.results.length} files, ${sum.pass} passed, ${runFailed} failed, ${sum.skipped} skipped` +
        `${wall}, ${duration(s.busy)} of file time${node.ms ? `; prepared in ${duration(node.ms)}` : ''}`,
    );
  }
  const failures = states.flatMap((s) => s.results.filter((r) => r.failed).map((r) => ({ s, r })));
  // What went wrong, again at the end, where a reader of only the log's last page sees it.
  for (const { s, r } of failures) console.log(`\n✖ ${s.run.name} · ${r.file}:\n${whyFailed(r.output)}`);
  if (failures.length)
    console.log(`Failed:\n${failures.map(({ s, r }) => `  ✖ ${s.run.name} · ${r.file}`).join('\n')}`);
  for (const key of COUNTS) console.log(`# ${key} ${key === 'fail' ? failed : total[key]}`);
  console.log(`${total.pass} passed, ${failed} failed`);
  return failed === 0;
}

/** Lines of a failed file's output kept in the summary at most. */
const WHY_LINES = 80;

/**
 * The part of a failed file's output that says why: the spec reporter's "failing tests" section
 * (each failed test, its error and where), else the output's last lines (a crash, a file that did not
 * load or did not end); at most WHY_LINES lines, colours removed.
 */
export function whyFailed(output) {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '').trimEnd();
  const at = plain.lastIndexOf('✖ failing tests:');
  const lines = (at >= 0 ? plain.slice(at) : plain).split('\n');
  const cut = Math.max(0, lines.length - WHY_LINES);
  const note = (where) => `  … ${cut} more line${cut === 1 ? '' : 's'} ${where} in this file's output`;
  const kept =
    cut === 0 ? lines : at >= 0 ? [...lines.slice(0, WHY_LINES), note('below')] : [note('above'), ...lines.slice(cut)];
  return kept.map((line) => `  ${line}`).join('\n');
}
