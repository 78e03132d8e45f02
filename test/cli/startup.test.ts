import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { demoDatabase, tempDir } from '../helpers.ts';
import { BIN } from './command.ts';

const energy = join(import.meta.dirname, '../fixtures/genius/Energy');
const SOURCES = pathToFileURL(join(import.meta.dirname, '../../src/')).href;
const HEAVY = /\/node_modules\/(fastify|@fastify|zod|kysely|better-sqlite3|tsx|typescript)\//;

/** Runs the built `parley` and returns the URLs of the modules it imported. */
function modulesLoaded(args: string[]): string[] {
  const log = join(tempDir(), 'modules.log');
  const result = spawnSync(process.execPath, ['--import', join(import.meta.dirname, 'module-log.js'), BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PARLEY_MODULE_LOG: log },
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return existsSync(log) ? [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))] : [];
}

describe('the start-up of the built command', () => {
  test('--help and an analysis of GENIUS files load neither the server, the store nor a TypeScript loader', () => {
    const analyze = [
      'analyze',
      '--genius',
      join(energy, 'energy_domain.xml'),
      join(energy, 'energy_consumer.xml'),
      join(energy, 'energy_distributor.xml'),
    ];
    for (const args of [['--help'], ['serve', '--help'], ['analyze', '--help'], ['backup', '--help'], analyze]) {
      const loaded = modulesLoaded(args);
      assert.ok(
        loaded.some((url) => url.endsWith('/dist/cli/main.js')),
        `parley ${args[0]} logs the modules it loads`,
      );
      assert.deepEqual(
        loaded.filter((url) => HEAVY.test(url)),
        [],
        `parley ${args.join(' ')}`,
      );
      assert.deepEqual(
        loaded.filter((url) => url.startsWith(SOURCES)),
        [],
        'the built command runs dist/',
      );
    }
  });

  test('a command that opens a database loads the store, with Kysely as one bundled file, still without a TypeScript loader', () => {
    const loaded = modulesLoaded(['audit', 'verify', '--db', join(tempDir(), 'empty.db')]);
    assert.ok(loaded.some((url) => url.endsWith('/dist/vendor/kysely.js')));
    // Kysely's own ESM build is some 270 modules: 90–110 ms of every start.
    assert.deepEqual(
      loaded.filter((url) => /\/node_modules\/kysely\//.test(url)),
      [],
    );
    assert.ok(!loaded.some((url) => /\/node_modules\/(fastify|tsx|typescript)\//.test(url)));
    assert.ok(
      existsSync(join(import.meta.dirname, '../../dist/vendor/kysely.LICENSE')),
      "Kysely's licence goes with it",
    );
  });

  test('an analysis of a database loads neither the password hashing nor the word diff it does not use', async () => {
    const loaded = modulesLoaded([
      'analyze',
      '--db',
      await demoDatabase(),
      '--negotiation',
      'geneva-2025',
      '--as',
      'ua@demo.parley',
    ]);
    assert.ok(loaded.some((url) => url.endsWith('/dist/vendor/kysely.js')));
    assert.deepEqual(
      loaded.filter((url) => /\/node_modules\/(@node-rs\/argon2|diff)\//.test(url)),
      [],
    );
  });
});
