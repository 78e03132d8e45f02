import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { newPostgresDatabase, signIn, startServer, tempDir } from '../helpers.ts';
import { TABLES } from '../../src/store/backup.ts';
import { parley } from './command.ts';

/** Every table Parley keeps is backed up, restored and copied. */
const ALL = TABLES.length;

describe('parley backup, restore and migrate', () => {
  test('a backup restored into a new database passes audit verify and serves the demo accounts', async () => {
    const dir = tempDir();
    const db = join(dir, 'demo.db');
    assert.equal(parley(['demo', '--db', db]).code, 0);
    const backup = parley(['backup', '--db', db, '--out', join(dir, 'demo.backup.gz')]);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(
      backup.stdout,
      new RegExp(
        `Backed up .*demo\\.db \\(sqlite, migration 0\\d+-[a-z-]+\\) to .*demo\\.backup\\.gz: ${ALL} tables, \\d+ rows`,
      ),
    );

    const restoredDb = join(dir, 'restored.db');
    const restored = parley(['restore', '--db', restoredDb, '--from', join(dir, 'demo.backup.gz')]);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(
      restored.stdout,
      new RegExp(`Restored .* into .*restored\\.db: ${ALL} tables, \\d+ rows\naudit log intact: \\d+ events`),
    );
    const verified = parley(['audit', 'verify', '--db', restoredDb]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);

    const again = parley(['restore', '--db', restoredDb, '--from', join(dir, 'demo.backup.gz')]);
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      /^parley: .*restored\.db is not empty .*restore into a new one.*nothing was written\n$/i,
    );

    const missing = parley(['restore', '--db', join(dir, 'never.db'), '--from', join(dir, 'nothing.gz')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^parley: there is no backup file .*nothing\.gz\n$/);
    assert.equal(existsSync(join(dir, 'never.db')), false);
    assert.equal(parley(['backup', '--db', db]).code, 2, '--out is required');

    const server = await startServer(restoredDb);
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    assert.equal((await mediator.get('/api/negotiations/geneva-2025/positions')).status, 200);
  });

  test('migrate moves an SQLite database into an empty PostgreSQL database, whole', async (t) => {
    if (!process.env.PARLEY_TEST_POSTGRES)
      return t.skip('PostgreSQL is not at hand (set PARLEY_TEST_POSTGRES to a server URL)');
    const dir = tempDir();
    const db = join(dir, 'demo.db');
    assert.equal(parley(['demo', '--db', db]).code, 0);
    const target = await newPostgresDatabase();
    const moved = parley(['migrate', '--from', db, '--to', target]);
    assert.equal(moved.code, 0, moved.stdout + moved.stderr);
    assert.match(
      moved.stdout,
      new RegExp(`Copied .*demo\\.db into postgres://.*: ${ALL} tables, \\d+ rows\naudit log intact: \\d+ events`),
    );
    assert.equal(parley(['audit', 'verify', '--db', target]).code, 0);
    const twice = parley(['migrate', '--from', db, '--to', target]);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /is not empty/);
    const server = await startServer(target);
    const ukraine = await signIn(server.url, 'ua@demo.parley');
    assert.equal((await ukraine.get('/api/negotiations/geneva-2025')).status, 200);
  });
});
