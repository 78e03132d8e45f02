import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  BackupError,
  migrateDatabase,
  readBackup,
  readDatabase,
  restore,
  writeBackup,
  type BackupRecord,
} from '../../src/store/backup.ts';
import { openEngine } from '../../src/store/engines/index.ts';
import { Store } from '../../src/store/store.ts';
import { createVersion } from '../../src/store/versions.ts';
import {
  TEST_ENGINE,
  contextOf,
  demoDatabase,
  freshDatabase,
  newPostgresDatabase,
  signIn,
  startServer,
  tempDir,
} from '../helpers.ts';

/** Every row of every table, as a backup reads them (the header's time left out). */
async function contents(location: string): Promise<BackupRecord[]> {
  const store = await Store.open(location);
  try {
    const records: BackupRecord[] = [];
    for await (const record of readDatabase(store.engine, { pageSize: 100_000 }))
      records.push(
        record.kind === 'header'
          ? { ...record, header: { ...record.header, createdAt: '', engine: 'sqlite' } }
          : record,
      );
    return records;
  } finally {
    await store.close();
  }
}

/** The other engine than the one under test, when both are at hand: where a cross-engine restore goes. */
async function otherEngineDatabase(): Promise<string | null> {
  if (TEST_ENGINE === 'postgres') return join(tempDir(), 'other.db');
  return process.env.PARLEY_TEST_POSTGRES ? newPostgresDatabase() : null;
}

async function rowsOf(location: string, table: 'users' | 'audit_events' | 'sessions'): Promise<number> {
  const store = await Store.open(location);
  try {
    const row = await store.db.selectFrom(table).select(store.db.fn.countAll().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  } finally {
    await store.close();
  }
}

/** A backup file rewritten line by line (decompressed, changed, compressed again). */
function rewritten(file: string, change: (lines: string[]) => string[]): string {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  const out = join(tempDir(), 'changed.backup.gz');
  writeFileSync(out, gzipSync(change(lines).join('\n')));
  return out;
}

describe(`backup and restore (${TEST_ENGINE})`, () => {
  test('a backup restored into a fresh database is the same database, table by table and row by row', async () => {
    const source = await demoDatabase();
    const file = join(tempDir(), 'demo.backup.gz');
    const store = await Store.open(source);
    const written = await writeBackup(store.engine, file);
    await store.close();
    assert.equal(written.engine, TEST_ENGINE);
    assert.ok(written.counts.audit_events! > 100 && written.counts.positions! > 10);

    const target = await freshDatabase('restored');
    const restored = await restore(target, readBackup(file));
    assert.deepEqual(restored.audit, { ok: true, events: written.counts.audit_events });
    assert.deepEqual(restored.problems, []);
    assert.deepEqual(restored.counts, written.counts);
    assert.deepEqual(await contents(target), await contents(source));

    const server = await startServer(target);
    for (const email of ['ua@demo.parley', 'ru@demo.parley', 'mediator@demo.parley']) {
      const person = await signIn(server.url, email);
      assert.equal((await person.get('/api/negotiations/geneva-2025')).status, 200, `${email} reads the negotiation`);
    }
  });

  test('text of several-byte characters comes back whole, wherever the file is cut into chunks as it is read', async () => {
    const source = await demoDatabase();
    const store = await Store.open(source);
    // An odd number of ASCII bytes, then two-byte and four-byte characters: the reader's chunks (16 KiB
    // and 64 KiB) end inside characters, as they did for the demo's Ukrainian and Russian text.
    const text = `x${'ї'.repeat(9000)}${'🕊'.repeat(2000)}`;
    const made = await createVersion(store, await contextOf(store, 'mediator@demo.parley'), {
      parentId: null,
      kind: 'draft',
      label: 'Every byte length',
      summary: 'Текст у кількох мовах',
      authorPartyId: null,
      points: [{ id: 'p-bytes', number: 1, title: 'Мир', text, brackets: [], issueIds: [], trackId: null }],
      optionChoices: {},
      source: null,
    });
    const file = join(tempDir(), 'bytes.backup.gz');
    await writeBackup(store.engine, file);
    await store.close();
    const target = await freshDatabase('bytes');
    const restored = await restore(target, readBackup(file));
    assert.ok(restored.audit.ok, JSON.stringify(restored.audit));
    const back = await Store.open(target);
    try {
      const row = await back.db
        .selectFrom('versions')
        .select('data')
        .where('id', '=', made.id)
        .executeTakeFirstOrThrow();
      assert.equal(JSON.parse(row.data).points[0].text, text);
    } finally {
      await back.close();
    }
  });

  test('pages of a few rows, composite keys and versions listed before their parents come back whole', async () => {
    const source = await demoDatabase();
    const store = await Store.open(source);
    const target = await freshDatabase('paged');
    const restored = await restore(target, readDatabase(store.engine, { pageSize: 2 }));
    await store.close();
    assert.ok(restored.audit.ok);
    assert.deepEqual(await contents(target), await contents(source));
  });

  test('a backup restores into the other engine, and back, unchanged', async (t) => {
    const other = await otherEngineDatabase();
    if (!other) return t.skip('PostgreSQL is not at hand (set PARLEY_TEST_POSTGRES to a server URL)');
    const source = await demoDatabase();
    const there = await migrateDatabase(source, other);
    assert.deepEqual(there.mismatches, []);
    assert.ok(there.audit.ok);
    const back = await freshDatabase('back');
    const file = join(tempDir(), 'other.backup.gz');
    const engine = await openEngine(other);
    await writeBackup(engine, file);
    await engine.close();
    const home = await restore(back, readBackup(file));
    assert.ok(home.audit.ok);
    assert.deepEqual(await contents(back), await contents(source));
  });

  test('a restore refuses a database that holds anything, says how to proceed, and writes nothing', async () => {
    const source = await demoDatabase();
    const file = join(tempDir(), 'demo.backup.gz');
    const store = await Store.open(source);
    await writeBackup(store.engine, file);
    await store.close();
    const occupied = await demoDatabase();
    const before = await rowsOf(occupied, 'audit_events');
    await assert.rejects(restore(occupied, readBackup(file)), (error: Error) => {
      assert.ok(error instanceof BackupError);
      assert.match(error.message, /is not empty \(it holds .*\d+ users.*\): .*restore into a new one/i);
      return true;
    });
    assert.equal(await rowsOf(occupied, 'audit_events'), before);
  });

  test('a backup from a newer Parley is refused; one from an older Parley is restored and migrated on', async () => {
    const source = await demoDatabase();
    const file = join(tempDir(), 'demo.backup.gz');
    const store = await Store.open(source);
    await writeBackup(store.engine, file);
    await store.close();
    const future = rewritten(file, ([header, ...rest]) => {
      const parsed = JSON.parse(header!);
      return [JSON.stringify({ ...parsed, migrations: [...parsed.migrations, '0999-from-the-future'] }), ...rest];
    });
    const target = join(tempDir(), 'future.db');
    await assert.rejects(restore(target, readBackup(future)), /newer Parley .*0999-from-the-future.*upgrade Parley/);
    assert.equal(existsSync(target), false, 'no file is left behind');

    // A database made by a Parley that stopped at migration 0007 (no proposals, no consent column).
    const old = join(tempDir(), 'old.db');
    const engine = await openEngine(old, { migrateTo: '0007-password-setups' });
    await engine.db
      .insertInto('users')
      .values({
        id: 'u-old',
        email: 'old@example.org',
        name: 'Olga',
        password_hash: 'x',
        is_admin: 0,
        created_at: '2024-01-01',
      })
      .execute();
    const oldFile = join(tempDir(), 'old.backup.gz');
    const written = await writeBackup(engine, oldFile);
    await engine.close();
    assert.equal(written.migrations.at(-1), '0007-password-setups');
    assert.equal(written.counts.proposals, undefined, 'the old schema has no proposals table');
    const upgraded = await freshDatabase('upgraded');
    const restored = await restore(upgraded, readBackup(oldFile));
    assert.ok(restored.audit.ok);
    const now = await Store.open(upgraded);
    const tables = await now.db.introspection.getTables();
    assert.ok(
      tables.some((t) => t.name === 'proposals'),
      'the restored database is migrated on',
    );
    assert.equal((await now.db.selectFrom('users').select('name').executeTakeFirst())?.name, 'Olga');
    await now.close();
  });

  test('a damaged, cut or altered backup file is refused with what is wrong with it, and nothing is written', async () => {
    const source = await demoDatabase();
    const file = join(tempDir(), 'demo.backup.gz');
    const store = await Store.open(source);
    await writeBackup(store.engine, file);
    await store.close();
    const bytes = readFileSync(file);
    const lines = gunzipSync(bytes).toString('utf8').split('\n');
    const refused = async (damaged: string, message: RegExp) => {
      const target = await freshDatabase('damaged');
      await assert.rejects(restore(target, readBackup(damaged)), (error: Error) => {
        assert.ok(error instanceof BackupError, String(error));
        assert.match(error.message, message);
        return true;
      });
      if (TEST_ENGINE === 'sqlite') assert.equal(existsSync(target), false, 'no file is left behind');
      else assert.equal(await rowsOf(target, 'users'), 0, 'no row is written');
    };
    const write = (content: Buffer | string) => {
      const path = join(tempDir(), 'damaged.gz');
      writeFileSync(path, content);
      return path;
    };
    await refused(write(bytes.subarray(0, Math.floor(bytes.length / 2))), /is damaged: unexpected end of file/);
    await refused(write('not even gzip'), /is damaged: incorrect header check/);
    await refused(write(gzipSync('{"hello":"world"}\n')), /is not a Parley backup/);
    await refused(join(tempDir(), 'missing.gz'), /there is no backup file/);
    await refused(
      rewritten(file, (all) => all.slice(0, -2)),
      /is damaged: it stops before its end/,
    );
    // An audit event edited by hand: the rows are whole, the chain is not.
    const audited = lines.findIndex((line) => line.includes('"position.create"'));
    await refused(
      rewritten(file, (all) => all.map((line, i) => (i === audited ? line.replace('support', 'oppose') : line))),
      /audit log is broken at event \d+: .*altered.*; nothing was restored/,
    );
    // Wherever the file is cut (at a line's end or within one), it is refused.
    const body = gunzipSync(bytes).toString('utf8');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: body.trimEnd().length - 1 }), async (cut) => {
        await refused(write(gzipSync(body.slice(0, cut))), /is damaged|is not a Parley backup/);
      }),
      { numRuns: 15 },
    );
  });
});
