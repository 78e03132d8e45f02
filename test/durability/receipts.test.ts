// Receipts a party keeps outside Parley, checked against a real database with the built
// `parley audit verify --receipt`: they hold on the database they were issued from and on a
// backup restored into a new one; a receipt whose event was later altered, whose head was cut
// away, or that was forged, fails with the reason.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { loadAuditKey } from '../../src/store/audit-key.ts';
import { eventHash } from '../../src/store/audit.ts';
import type { Receipt } from '../../src/store/history.ts';
import { Store } from '../../src/store/store.ts';
import { demoDatabase, freshDatabase, signIn, startServer, tempDir, TEST_ENGINE } from '../helpers.ts';
import { parley } from '../cli/command.ts';

const N = '/api/negotiations/geneva-2025';
const dir = tempDir();
const key = loadAuditKey(join(dir, 'audit-key.pem'));
const publicKey = join(dir, 'audit-key.pub.pem');
writeFileSync(publicKey, key.publicKeyPem);

/** Writes receipts to files, as a party keeps them. */
function keep(receipts: Receipt[], name: string): string[] {
  return receipts.map((receipt, i) => {
    const file = join(dir, `${name}-${i}.json`);
    writeFileSync(file, JSON.stringify(receipt, null, 2));
    return file;
  });
}
const verify = (db: string, files: string[]) =>
  parley(['audit', 'verify', '--db', db, '--public-key', publicKey, '--receipt', ...files]);

describe(`receipts (${TEST_ENGINE})`, async () => {
  const db = await demoDatabase();
  const server = await startServer(db, { auditKey: key });
  const tokenOf = async (email: string) => {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'parley-demo' }),
    });
    return ((await login.json()) as { token: string }).token;
  };

  test('a change answers with its event and the chain head in the Parley-Audit header', async () => {
    const bearer = await tokenOf('ua@demo.parley');
    const made = await fetch(`${server.url}/api/negotiations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ title: 'A side meeting', summary: '' }),
    });
    assert.equal(made.status, 201);
    const header = made.headers.get('parley-audit');
    assert.ok(header, 'the change answers with a Parley-Audit header');
    const fields = Object.fromEntries(header.split('; ').map((part) => part.split('=') as [string, string]));
    const row = await server.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '=', Number(fields.seq))
      .executeTakeFirstOrThrow();
    assert.equal(row.hash, fields.hash);
    assert.equal(eventHash(row), fields.hash);
    assert.ok(Number(fields['head-seq']) >= Number(fields.seq));
    const read = await fetch(`${server.url}${N}/history`, { headers: { authorization: `Bearer ${bearer}` } });
    assert.equal(read.headers.get('parley-audit'), null, 'a read appends nothing and says nothing of the log');
  });

  let kept: Receipt[] = [];
  test("a party's receipts verify against the database, signed by the audit key", async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const list = await ua.get<{ receipts: Receipt[] }>(`${N}/receipts?limit=200`);
    assert.equal(list.status, 200);
    kept = list.body.receipts;
    const actions = new Set(kept.map((r) => r.event.action));
    // The demo records the presidents' approvals (its texts reach their recipients without a send).
    assert.ok(actions.has('approval.approve'), `Ukraine holds receipts of its approvals: ${[...actions]}`);
    assert.ok(kept.every((r) => r.keyId === key.keyId && typeof r.signature === 'string'));
    const one = await fetch(`${server.url}${N}/receipts/${kept[0]!.event.seq}`, {
      headers: { authorization: `Bearer ${await tokenOf('ua@demo.parley')}` },
    });
    assert.match(
      one.headers.get('content-disposition') ?? '',
      /attachment; filename="parley-receipt-geneva-2025-\d+\.json"/,
    );
    assert.deepEqual(await one.json(), kept[0]);

    const files = keep(kept.slice(0, 4), 'ua');
    const checked = verify(db, files);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    for (const file of files)
      assert.match(checked.stdout, new RegExp(`receipt ${file}: holds: event \\d+ .* unchanged`));
  });

  test('the receipts verify again after parley backup and parley restore into a new database', async () => {
    const backup = join(dir, 'receipts.backup.gz');
    assert.equal(parley(['backup', '--db', db, '--out', backup]).code, 0);
    const restored = await freshDatabase('restored');
    const done = parley(['restore', '--db', restored, '--from', backup]);
    assert.equal(done.code, 0, done.stderr);
    const checked = verify(restored, keep(kept.slice(0, 4), 'restored'));
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  });

  test('a forged receipt (another content hash, or another event hash) fails on its signature', async () => {
    const real = kept[0]!;
    const forged = { ...real, contentHash: 'f'.repeat(64) };
    const checked = verify(db, keep([forged], 'forged'));
    assert.equal(checked.code, 1);
    assert.match(checked.stdout, /FAILS: the signature does not verify/);
  });

  test('a receipt whose event was altered in the database fails, naming the event', async () => {
    const copy = await copyOf(db);
    const receipt = kept.at(-1)!;
    const store = await Store.open(copy);
    try {
      // Altered in place (its hash left as it was), then altered and re-hashed.
      await sql`update audit_events set after = ${'{"partyIds":["ru"]}'} where seq = ${receipt.event.seq}`.execute(
        store.db,
      );
      let checked = verify(copy, keep([receipt], 'altered'));
      assert.equal(checked.code, 1);
      assert.match(checked.stdout, new RegExp(`FAILS: event ${receipt.event.seq} \\(.*\\) was altered`));
      const row = await store.db
        .selectFrom('audit_events')
        .selectAll()
        .where('seq', '=', receipt.event.seq)
        .executeTakeFirstOrThrow();
      await sql`update audit_events set hash = ${eventHash(row)} where seq = ${row.seq}`.execute(store.db);
      checked = verify(copy, keep([receipt], 'rehashed'));
      assert.equal(checked.code, 1);
      assert.match(checked.stdout, new RegExp(`FAILS: event ${receipt.event.seq} \\(.*\\) was changed`));
    } finally {
      await store.close();
    }
  });

  test('a receipt whose head was cut away (the last events deleted) fails: the log was cut', async () => {
    const copy = await copyOf(db);
    const receipt = kept[0]!;
    const store = await Store.open(copy);
    try {
      await sql`delete from audit_events where seq > ${receipt.event.seq}`.execute(store.db);
    } finally {
      await store.close();
    }
    const checked = verify(copy, keep([receipt], 'cut'));
    assert.equal(checked.code, 1);
    assert.match(checked.stdout, new RegExp(`FAILS: the log was cut: it ends at event ${receipt.event.seq}`));
  });
});

/** A copy of the database to tamper with, through backup and restore (on either engine). */
async function copyOf(db: string): Promise<string> {
  const backup = join(dir, `copy-${Math.random().toString(36).slice(2)}.gz`);
  assert.equal(parley(['backup', '--db', db, '--out', backup]).code, 0);
  const copy = await freshDatabase('copy');
  assert.equal(parley(['restore', '--db', copy, '--from', backup]).code, 0);
  return copy;
}
