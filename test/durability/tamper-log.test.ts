// The log half of the tamper suite: a server runs on a real database (an SQLite file, or PostgreSQL
// in the PostgreSQL run) and signs checkpoints of the audit chain; then someone who holds the
// database, but not the audit key, rewrites the log as an attacker would. Each manipulation is caught
// by `audit verify`'s log checks, and the check that catches it is named.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { createAccount } from '../../src/store/accounts.ts';
import { eventHash, GENESIS_HASH } from '../../src/store/audit.ts';
import {
  chainHead,
  checkpointMessage,
  listCheckpoints,
  writeCheckpoint,
  type CheckpointCadence,
} from '../../src/store/audit-checkpoints.ts';
import { loadAuditKey, verifyAuditSignature } from '../../src/store/audit-key.ts';
import { verifyAuditLog, type LogReport } from '../../src/store/audit-verify.ts';
import { Store } from '../../src/store/store.ts';
import { buildApp } from '../../src/server/app.ts';
import { freshDatabase, tempDir } from '../helpers.ts';

const CADENCE: CheckpointCadence = { everyEvents: 10, everyMinutes: 10 };
const START = Date.parse('2026-03-01T09:00:00.000Z');
const END = START + 130 * 60_000;
const key = loadAuditKey(join(tempDir(), 'audit-key.pem'));
const attackerKey = loadAuditKey(join(tempDir(), 'attacker-key.pem'));

/**
 * A server's run on a new database: `events` accounts made one a minute (one audit event each), while
 * the server signs a checkpoint every 10 events, then stops (a shutdown checkpoint, unless `crash`).
 */
async function serverRun({ events = 120, crash = false } = {}): Promise<string> {
  const location = await freshDatabase('tamper');
  let clock = START;
  const store = await Store.open(location, { now: () => new Date(clock), auditKey: key });
  const app = await buildApp({ store, logger: false, checkpoints: CADENCE });
  for (let i = 0; i < events; i++) {
    await createAccount(store, null, { email: `delegate${i}@example.org`, name: `Delegate ${i}` });
    clock += 60_000;
  }
  if (crash) store.auditKey = undefined; // killed: the shutdown checkpoint is never signed
  await app.close();
  await store.close();
  return location;
}

/** Opens the database as its attacker does, makes `tamper`, and runs the log checks with the public key. */
async function tamperAndVerify(location: string, tamper: (store: Store) => Promise<void>): Promise<LogReport> {
  const store = await Store.open(location);
  try {
    await tamper(store);
    return await verifyAuditLog(store.db, { publicKeyPem: key.publicKeyPem, cadence: CADENCE, now: new Date(END) });
  } finally {
    await store.close();
  }
}

/** The failures of a report, as "check @seq". */
function failures(report: LogReport): string[] {
  return report.findings.filter((f) => f.severity === 'failure').map((f) => `${f.check} @${f.seq}`);
}

function assertCaught(report: LogReport, check: string, seq?: number | null): void {
  assert.equal(report.ok, false, `the manipulation passes: ${JSON.stringify(report.findings)}`);
  const found = report.findings.find((f) => f.severity === 'failure' && f.check === check);
  assert.ok(found, `no "${check}" failure among ${failures(report).join(', ')}`);
  if (seq !== undefined) assert.equal(found.seq, seq, found.message);
  assert.ok(found.message.length > 20, 'the finding says what is wrong in words');
}

type Row = Awaited<ReturnType<typeof allEvents>>[number];
async function allEvents(store: Store) {
  return store.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
}

/** Rewrites the events from `from` on: each renumbered by `shift`, linked to the one before and re-hashed. */
async function rehashFrom(store: Store, rows: Row[], previous: string): Promise<void> {
  await store.db
    .deleteFrom('audit_events')
    .where('seq', '>=', rows[0]?.seq ?? 0)
    .execute();
  for (const row of rows) {
    const linked = { ...row, prev_hash: previous };
    const forged = { ...linked, hash: eventHash(linked) };
    await store.db.insertInto('audit_events').values(forged).execute();
    previous = forged.hash;
  }
}

async function head(store: Store): Promise<Row> {
  return (await store.db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst())!;
}

describe('the audit log against its signed checkpoints', () => {
  test('an untouched log passes, every checkpoint signed by the key and matching its event', async () => {
    const location = await serverRun();
    const report = await tamperAndVerify(location, async () => {});
    assert.deepEqual(report.findings, []);
    assert.ok(report.ok);
    assert.equal(report.lastCheckpoint?.reason, 'shutdown');
    assert.equal(report.lastCheckpoint?.seq, report.head?.seq, 'the shutdown checkpoint signs the last event');
  });

  test('the server signs every N events (and at start and shutdown), each checkpoint a valid signature of the head then', async () => {
    const location = await serverRun({ events: 57 });
    const store = await Store.open(location);
    try {
      const checkpoints = await listCheckpoints(store.db);
      const events = await allEvents(store);
      const hashOf = new Map(events.map((e) => [e.seq, e.hash]));
      for (const c of checkpoints) {
        assert.ok(verifyAuditSignature(key.publicKeyPem, checkpointMessage(c.seq, c.hash), c.signature));
        assert.equal(c.hash, hashOf.get(c.seq), `checkpoint ${c.seq} signs its event's hash`);
        assert.equal(c.keyId, key.keyId);
      }
      const byEvents = checkpoints.filter((c) => c.reason === 'events');
      assert.equal(byEvents.length, 5, `57 events, one checkpoint each 10: ${checkpoints.map((c) => c.seq).join()}`);
      for (const [i, c] of byEvents.entries())
        assert.ok(c.seq >= 10 * (i + 1) && c.seq <= 10 * (i + 1) + 1, `the ${i + 1}th checkpoint at ${c.seq}`);
      assert.equal(checkpoints.at(-1)!.reason, 'shutdown');
      assert.equal(checkpoints.at(-1)!.seq, 57);
    } finally {
      await store.close();
    }
  });

  test(
    'the server signs every M minutes when the head moved, and not when it stood still',
    { timeout: 30_000 },
    async () => {
      const location = await freshDatabase('cadence');
      const store = await Store.open(location, { auditKey: key });
      // A tenth of a second, so that the test waits for the timer rather than for minutes.
      const app = await buildApp({ store, logger: false, checkpoints: { everyEvents: 1000, everyMinutes: 0.1 / 60 } });
      try {
        await createAccount(store, null, { email: 'timed@example.org', name: 'Timed' });
        let checkpoints = await listCheckpoints(store.db);
        while (!checkpoints.some((c) => c.reason === 'time')) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          checkpoints = await listCheckpoints(store.db);
        }
        const timed = checkpoints.find((c) => c.reason === 'time')!;
        const head = await chainHead(store.db);
        assert.deepEqual({ seq: timed.seq, hash: timed.hash }, head, 'the timer signed the head');
        // The head stands still: a turn of the timer signs nothing new.
        assert.equal(await writeCheckpoint(store, 'time'), null);
      } finally {
        await app.close();
        await store.close();
      }
    },
  );

  test('the last events deleted: truncation', async () => {
    const report = await tamperAndVerify(await serverRun(), async (store) => {
      await store.db.deleteFrom('audit_events').where('seq', '>', 117).execute();
    });
    assertCaught(report, 'truncation', 120);
    assert.match(report.findings.find((f) => f.check === 'truncation')!.message, /last 3 events were deleted/);
  });

  test('every event deleted: truncation', async () => {
    const report = await tamperAndVerify(await serverRun(), async (store) => {
      await store.db.deleteFrom('audit_events').execute();
    });
    assert.equal(report.chain.ok, true, 'the chain alone finds nothing wrong with an empty log');
    assertCaught(report, 'truncation');
    assert.match(report.findings.find((f) => f.check === 'truncation')!.message, /every event was deleted/);
  });

  test('forged events before the first (seq 0, −1, −2), chained to one another: prepended events', async () => {
    const report = await tamperAndVerify(await serverRun(), async (store) => {
      const [first] = await allEvents(store);
      let previous = GENESIS_HASH;
      for (const seq of [-2, -1, 0]) {
        const row = { ...first!, seq, action: 'user.create', entity_id: `forged${seq}`, prev_hash: previous };
        previous = eventHash(row);
        await store.db
          .insertInto('audit_events')
          .values({ ...row, hash: previous })
          .execute();
      }
    });
    assertCaught(report, 'prepended events', -2);
  });

  test('forged events before the first, the real ones renumbered after them and re-hashed: the checkpoints no longer match', async () => {
    const report = await tamperAndVerify(await serverRun(), async (store) => {
      const events = await allEvents(store);
      const forged = [1, 2, 3].map((seq) => ({ ...events[0]!, entity_id: `forged${seq}`, seq }));
      await rehashFrom(store, [...forged, ...events.map((e) => ({ ...e, seq: e.seq + 3 }))], GENESIS_HASH);
    });
    assert.equal(report.chain.ok, true, 'the re-hashed chain holds together');
    assertCaught(report, 'replaced chain');
  });

  test('events appended with correct hashes after the shutdown checkpoint: events after shutdown', async () => {
    const report = await tamperAndVerify(await serverRun(), async (store) => {
      const last = await head(store);
      const row = { ...last, seq: last.seq + 1, entity_id: 'forged', prev_hash: last.hash };
      await store.db
        .insertInto('audit_events')
        .values({ ...row, hash: eventHash(row) })
        .execute();
    });
    assert.equal(report.chain.ok, true);
    assertCaught(report, 'events after shutdown', 121);
  });

  test('events appended after the last checkpoint of a server that crashed: a warning that they are not yet covered', async () => {
    const report = await tamperAndVerify(await serverRun({ events: 25, crash: true }), async (store) => {
      const last = await head(store);
      const row = { ...last, seq: last.seq + 1, entity_id: 'forged', prev_hash: last.hash };
      await store.db
        .insertInto('audit_events')
        .values({ ...row, hash: eventHash(row) })
        .execute();
    });
    assert.equal(report.ok, true, 'a warning, not a failure: no signature speaks for those events yet');
    const warning = report.findings.find((f) => f.check === 'uncovered events');
    assert.ok(warning && warning.severity === 'warning', JSON.stringify(report.findings));
    assert.match(
      warning.message,
      /^\d+ events after the last checkpoint \(event \d+, at .*\) are not yet covered by a signature$/,
    );
  });

  test('an event altered and every later one re-hashed: re-hashed events, at the first checkpoint after it', async () => {
    const report = await tamperAndVerify(await serverRun(), async (store) => {
      const events = await allEvents(store);
      const victim = events.findIndex((e) => e.seq === 55);
      const altered = { ...events[victim]!, after: events[victim]!.after!.replace('Delegate 54', 'Delegate X') };
      await rehashFrom(store, [altered, ...events.slice(victim + 1)], events[victim - 1]!.hash);
    });
    assert.equal(report.chain.ok, true, 'the chain alone no longer sees it');
    const found = report.findings.find((f) => f.check === 're-hashed events');
    assertCaught(report, 're-hashed events');
    assert.ok(found!.seq! >= 55 && found!.seq! <= 61, `caught at the first checkpoint after event 55: ${found!.seq}`);
  });

  test('an event deleted and every later one renumbered and re-hashed: re-hashed events and truncation', async () => {
    const report = await tamperAndVerify(await serverRun(), async (store) => {
      const events = await allEvents(store);
      const victim = events.findIndex((e) => e.seq === 42);
      await rehashFrom(
        store,
        events.slice(victim + 1).map((e) => ({ ...e, seq: e.seq - 1 })),
        events[victim - 1]!.hash,
      );
    });
    assert.equal(report.chain.ok, true);
    assertCaught(report, 're-hashed events');
    assertCaught(report, 'truncation', 120);
  });

  test('the whole chain replaced by a forged one of the same length: replaced chain', async () => {
    const report = await tamperAndVerify(await serverRun(), async (store) => {
      const events = await allEvents(store);
      await rehashFrom(
        store,
        events.map((e) => ({ ...e, after: (e.after ?? '').replace('Delegate', 'Impostor') })),
        GENESIS_HASH,
      );
    });
    assert.equal(report.chain.ok, true);
    assertCaught(report, 'replaced chain');
  });

  test('a checkpoint forged with another key, or its signature altered: checkpoint signature', async () => {
    const report = await tamperAndVerify(await serverRun(), async (store) => {
      // Re-hash from event 100 and sign the new heads with a key of one's own.
      const events = await allEvents(store);
      const victim = events.findIndex((e) => e.seq === 100);
      const altered = { ...events[victim]!, after: '{}' };
      await rehashFrom(store, [altered, ...events.slice(victim + 1)], events[victim - 1]!.hash);
      for (const c of await listCheckpoints(store.db)) {
        if (c.seq < 100) continue;
        const { hash } = (await store.db
          .selectFrom('audit_events')
          .select('hash')
          .where('seq', '=', c.seq)
          .executeTakeFirst())!;
        await store.db
          .updateTable('audit_checkpoints')
          .set({ hash, signature: attackerKey.sign(checkpointMessage(c.seq, hash)), key_id: key.keyId })
          .where('seq', '=', c.seq)
          .execute();
      }
      // And one whose signature is merely garbled.
      await store.db
        .updateTable('audit_checkpoints')
        .set({ signature: sql<string>`'AAAA' || signature` })
        .where('seq', '=', (await listCheckpoints(store.db))[2]!.seq)
        .execute();
    });
    assertCaught(report, 'checkpoint signature');
    const forged = report.findings.filter((f) => f.check === 'checkpoint signature');
    assert.ok(forged.length >= 3, `every forged checkpoint is named: ${forged.map((f) => f.seq).join()}`);
    assert.ok(forged.some((f) => f.seq! >= 100));
  });

  test('every checkpoint deleted while the log is older than the cadence: deleted checkpoints', async () => {
    const report = await tamperAndVerify(await serverRun(), async (store) => {
      await store.db.deleteFrom('audit_checkpoints').execute();
    });
    assertCaught(report, 'deleted checkpoints', null);
  });

  test('checkpoints deleted from the middle of a run: deleted checkpoints, where the silence is', async () => {
    const report = await tamperAndVerify(await serverRun(), async (store) => {
      await store.db.deleteFrom('audit_checkpoints').where('seq', '>', 15).where('seq', '<', 105).execute();
    });
    assertCaught(report, 'deleted checkpoints');
  });

  test('the last checkpoints deleted with the events after them: only a warning that events are not covered (a limit SECURITY.md states)', async () => {
    const report = await tamperAndVerify(await serverRun(), async (store) => {
      await store.db.deleteFrom('audit_checkpoints').where('seq', '>', 60).execute();
      await store.db.deleteFrom('audit_events').where('seq', '>', 65).execute();
    });
    // The silence from event 60 to the end is no longer than the cadence allows (no later checkpoint):
    // what is left is a warning that events 61–65 are not covered.
    assert.equal(report.ok, true);
    assert.ok(report.findings.some((f) => f.check === 'uncovered events'));
  });
});
