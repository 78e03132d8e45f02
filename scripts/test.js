#!/usr/bin/env node
// Node 20's test runner does not expand globs: collect test/**/*.test.ts here and hand them over.
// Extra arguments narrow the run: `node scripts/test.js store` runs the files whose path contains "store".
// The tests run on the TypeScript sources through tsx; those of the `parley` command run the built
// command, so dist/ is brought up to date first.
import { readdirSync, statSync } from 'node:fs';
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
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  // Every response is checked against its zod schema as well as written by its compiled writer.
  env: { ...process.env, PARLEY_CHECK_RESPONSES: '1' },
});
process.exit(result.status ?? 1);
