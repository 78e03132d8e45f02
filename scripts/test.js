#!/usr/bin/env node
// Node 20's test runner does not expand globs: collect test/**/*.test.ts here and hand them over.
// Extra arguments narrow the run: `node scripts/test.js store` runs the files whose path contains "store".
// The tests run on the TypeScript sources through tsx; those of the `parley` command run the built
// command, so dist/ is brought up to date first. The browser tests (test/web) drive Debian's
// Chromium, which is installed here when it is missing and this runs as root (as on CI).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build, isStale } from './build.js';

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
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
/** Installs Debian's Chromium when the browser tests run and it is missing; says how when it cannot. */
function ensureChromium() {
  const binary = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
  if (existsSync(binary)) return;
  const apt = (args) =>
    spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    console.error("The browser tests need Chromium: installing Debian's chromium…");
    if (apt(['install', '-y', 'chromium']).status !== 0) {
      apt(['update']);
      apt(['install', '-y', 'chromium']);
    }
  }
  if (!existsSync(binary)) {
    console.error(
      `The browser tests need Chromium at ${binary}: install it (Debian: sudo apt-get install chromium), or name another binary with PARLEY_CHROMIUM.`,
    );
    process.exit(1);
  }
}
if (files.some((file) => file.includes(join('test', 'web')))) ensureChromium();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  // Every response is checked against its zod schema as well as written by its compiled writer.
  env: { ...process.env, PARLEY_CHECK_RESPONSES: '1' },
});
process.exit(result.status ?? 1);
