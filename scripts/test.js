#!/usr/bin/env node
// Runs the tests: `node scripts/test.js [--all-nodes] [part-of-path ...]` (`npm test` ends with it).
// Extra arguments narrow the run: `node scripts/test.js store` runs the files whose path contains "store".
// The tests run on the TypeScript sources through tsx; those of the `parley` command run the built
// command, so dist/ is brought up to date first. The browser tests (test/web) drive Debian's
// Chromium; it, xmllint and pdftotext are installed here when missing and this runs as root (as on CI).
//
// By default the files run on the current Node. With `--all-nodes`, PARLEY_TEST_ALL_NODES=1 or on CI
// (CI=true; PARLEY_TEST_ALL_NODES=0 turns it off) they run on every supported Node: everything on
// Node 24, everything but the browser tests on Node 22 and 20 (the others are fetched from the npm
// registry, see scripts/nodes.js). Each run is (Node, environment, files); scripts/test-runs.js runs
// all their files side by side on the machine's cores (PARLEY_TEST_JOBS to choose how many).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, sep } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build, isStale } from './build.js';
import { startPostgres } from './postgres.js';
import { runAll } from './test-runs.js';

/** The Node.js majors Parley supports and tests (package.json's engines, the README). */
const NODES = [24, 22, 20];

// Node 20's fs has no globSync: collect test/**/*.test.ts by hand.
// Remove when Node 20 is dropped: fs.globSync('test/**/*.test.ts').
function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const args = process.argv.slice(2);
const truthy = (value) => ['1', 'true', 'yes'].includes(String(value).toLowerCase());
const allNodes =
  args.includes('--all-nodes') || truthy(process.env.PARLEY_TEST_ALL_NODES ?? (truthy(process.env.CI) ? '1' : '0'));
const filters = args.filter((arg) => arg !== '--all-nodes');
const files = collect('test')
  .filter((f) => filters.length === 0 || filters.some((part) => f.includes(part)))
  .sort();
if (files.length === 0) {
  console.error(`no test file matches ${filters.join(', ') || 'test/**/*.test.ts'}`);
  process.exit(2);
}
if (isStale()) {
  try {
    build();
  } catch (error) {
    console.error(`parley build: ${error.message}`);
    process.exit(1);
  }
}
/**
 * Installs the Debian packages a run's tests use when a command of theirs is missing and this runs as
 * root (as on CI): Chromium for the browser tests and PDF export, `xmllint` (libxml2-utils) to check
 * Akoma Ntoso files against the OASIS schema, `pdftotext`/`pdftoppm` (poppler-utils) to read PDFs back.
 * Says how when it cannot.
 */
function ensureDebianPackages(needs) {
  const missing = needs.filter((need) => !onPath(need.command));
  if (missing.length === 0) return;
  const apt = (args) =>
    spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const packages = [...new Set(missing.map((need) => need.package))];
  if (process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    console.error(`The tests need ${packages.join(', ')}: installing Debian's packages…`);
    if (apt(['install', '-y', ...packages]).status !== 0) {
      apt(['update']);
      apt(['install', '-y', ...packages]);
    }
  }
  const still = missing.filter((need) => !onPath(need.command));
  if (still.length > 0) {
    console.error(
      still
        .map(
          (need) =>
            `The tests need ${need.command}: install it (Debian: sudo apt-get install ${need.package})${need.hint ?? ''}.`,
        )
        .join('\n'),
    );
    process.exit(1);
  }
}
/** Whether `command` is an absolute path that exists, or a name found on PATH. */
function onPath(command) {
  if (command.startsWith('/')) return existsSync(command);
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, command)));
}
const browser = (file) => file.startsWith(join('test', 'web') + sep);
const under = (file, ...dirs) =>
  dirs.some(
    (dir) => file.startsWith(join('test', ...dir.split('/')) + sep) || file === join('test', ...dir.split('/')),
  );
const current = Number(process.versions.node.split('.')[0]);
// Every response is checked against its zod schema as well as written by its compiled writer, and
// every cached read against the tables it declares.
const env = { PARLEY_CHECK_RESPONSES: '1', PARLEY_CHECK_READS: '1' };
/** The Node the PostgreSQL run uses: the active LTS in the matrix, else the current one. */
const postgresNode = allNodes ? 24 : current;
// The contract suite on PostgreSQL: the store and API tests again, on a throwaway server the run
// starts (scripts/postgres.js) and stops, with the tests that need PostgreSQL itself (several
// servers behind nginx, the crash cycles, moving a database from SQLite).
const postgresFiles = files.filter(
  (f) => under(f, 'store', 'server', 'multi', 'durability') || f === join('test', 'cli', 'backup.test.ts'),
);
let postgres = null;
/** @type {import('./test-runs.js').Run[]} */
const runs = [
  ...(allNodes
    ? NODES.map((node) => ({
        name: `node ${node}`,
        node,
        // At least 20 crash cycles on each engine in CI (Node 24); a few on the others.
        env: { ...env, PARLEY_CRASH_CYCLES: process.env.PARLEY_CRASH_CYCLES ?? (node === 24 ? '20' : '4') },
        files: node === 24 ? files : files.filter((f) => !browser(f)),
      }))
    : [{ name: `node ${current}`, node: current, env, files }]),
  {
    name: `node ${postgresNode} postgres`,
    node: postgresNode,
    env: { ...env, PARLEY_TEST_ENGINE: 'postgres' },
    files: process.env.PARLEY_TEST_POSTGRES_RUN === '0' ? [] : postgresFiles,
    setup: async () => {
      postgres = await startPostgres();
      return { PARLEY_TEST_POSTGRES: postgres.url };
    },
    teardown: async () => postgres?.stop(),
  },
].filter((run) => run.files.length > 0);
const chromium = {
  command: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
  package: 'chromium',
  hint: ', or name another binary with PARLEY_CHROMIUM',
};
ensureDebianPackages([
  chromium,
  { command: 'xmllint', package: 'libxml2-utils' },
  { command: 'pdftotext', package: 'poppler-utils' },
  { command: 'pdftoppm', package: 'poppler-utils' },
  // A font with Cyrillic letters, for the Ukrainian and Russian texts Chromium prints to PDF.
  { command: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', package: 'fonts-dejavu-core' },
]);
// Files that measure how long the server makes a request wait run with no other file beside them:
// on two cores, a neighbour's work would be counted as theirs.
const alone = new Set(
  ['server/largest-negotiation', 'server/sign-in', 'server/hostile-input', 'server/live', 'server/files-largest'].map(
    (name) => join('test', ...`${name}.test.ts`.split('/')),
  ),
);
const jobs = Number(process.env.PARLEY_TEST_JOBS) || availableParallelism();
process.exit((await runAll(runs, { slots: jobs, alone })) ? 0 : 1);
