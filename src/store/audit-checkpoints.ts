import type { Db } from './engine.ts';
import type { Executor, Store } from './store.ts';

/**
 * Signed checkpoints of the audit chain: now and then the server signs the chain head (the last
 * event's sequence number and hash) with the installation's audit key, which lives outside the
 * database. Whoever holds the database alone can then no longer cut, prepend to, re-hash or replace
 * the chain unnoticed: `audit-verify.ts` checks the log against the checkpoints.
 */

/** Why a checkpoint was written. */
export type CheckpointReason = 'events' | 'time' | 'start' | 'shutdown';

export interface Checkpoint {
  seq: number;
  /** The hash of event `seq`. */
  hash: string;
  at: string;
  keyId: string;
  /** Ed25519 over `checkpointMessage(seq, hash)`, base64. */
  signature: string;
  reason: CheckpointReason;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** How often the server signs the head: every `everyEvents` events, every `everyMinutes` minutes when it moved. */
export interface CheckpointCadence {
  everyEvents: number;
  everyMinutes: number;
}

export const DEFAULT_CADENCE: CheckpointCadence = { everyEvents: 100, everyMinutes: 10 };

/**
 * The one line a checkpoint signs.
 *
 * @example
 * checkpointMessage(183, 'ab…') // 'parley-audit-v1 183 ab…'
 */
export function checkpointMessage(seq: number, hash: string): string {
  return `parley-audit-v1 ${seq} ${hash}`;
}

/** The last event of the chain, or null when the log is empty. */
export async function chainHead(db: Executor): Promise<ChainHead | null> {
  const row = await db
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { seq: row.seq, hash: row.hash } : null;
}

function fromRow(row: {
  seq: number;
  hash: string;
  at: string;
  key_id: string;
  signature: string;
  reason: string;
}): Checkpoint {
  return {
    seq: row.seq,
    hash: row.hash,
    at: row.at,
    keyId: row.key_id,
    signature: row.signature,
    reason: row.reason as CheckpointReason,
  };
}

/** Every checkpoint, in the order of the chain. */
export async function listCheckpoints(db: Db): Promise<Checkpoint[]> {
  return (await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute()).map(fromRow);
}

/** The checkpoint of the highest sequence number, or null when there is none. */
export async function latestCheckpoint(db: Executor): Promise<Checkpoint | null> {
  const row = await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ? fromRow(row) : null;
}

/**
 * Signs the chain head with the store's audit key and records it, in a small write of its own (not an
 * audited change). Writes nothing when the store has no key, the log is empty or the head has not
 * moved since the last checkpoint; a shutdown on an unmoved head marks that checkpoint as the one the
 * server stopped at. Returns the checkpoint written, or null.
 */
export async function writeCheckpoint(store: Store, reason: CheckpointReason): Promise<Checkpoint | null> {
  const key = store.auditKey;
  if (!key) return null;
  return store.unaudited(async (db) => {
    const head = await chainHead(db);
    if (!head) return null;
    const last = await latestCheckpoint(db);
    if (last && last.seq >= head.seq) {
      if (reason === 'shutdown' && last.seq === head.seq && last.reason !== 'shutdown')
        await db.updateTable('audit_checkpoints').set({ reason }).where('seq', '=', last.seq).execute();
      return null;
    }
    const checkpoint: Checkpoint = {
      ...head,
      at: store.nowIso(),
      keyId: key.keyId,
      signature: key.sign(checkpointMessage(head.seq, head.hash)),
      reason,
    };
    await db
      .insertInto('audit_checkpoints')
      .values({
        seq: checkpoint.seq,
        hash: checkpoint.hash,
        at: checkpoint.at,
        key_id: checkpoint.keyId,
        signature: checkpoint.signature,
        reason,
      })
      // Another server on the same database signed the same head: one checkpoint is enough.
      .onConflict((oc) => oc.column('seq').doNothing())
      .execute();
    return checkpoint;
  });
}

/**
 * The server's checkpoints: one at start (when the head moved since the last), one every
 * `everyEvents` events committed by this process, one every `everyMinutes` minutes when the head
 * moved, and one at shutdown. A failed write is reported to `onError` and tried again at the next turn.
 */
export class CheckpointSchedule {
  private timer: NodeJS.Timeout | null = null;
  private stopListening: (() => void) | null = null;
  private sinceLast = 0;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly cadence: CheckpointCadence = DEFAULT_CADENCE,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    if (!Number.isInteger(cadence.everyEvents) || cadence.everyEvents < 1)
      throw new Error(`a checkpoint every ${cadence.everyEvents} events: give a whole number of events, at least 1`);
    if (!(cadence.everyMinutes > 0))
      throw new Error(`a checkpoint every ${cadence.everyMinutes} minutes: give a number of minutes above 0`);
  }

  async start(): Promise<void> {
    if (!this.store.auditKey) return;
    await this.write('start');
    this.stopListening = this.store.onCommitted((events) => {
      this.sinceLast += events;
      if (this.sinceLast >= this.cadence.everyEvents) {
        this.sinceLast = 0;
        void this.write('events');
      }
    });
    this.timer = setInterval(() => void this.write('time'), this.cadence.everyMinutes * 60_000);
    this.timer.unref();
  }

  /** Writes a checkpoint now (after any in progress); resolves when it is written. */
  write(reason: CheckpointReason): Promise<Checkpoint | null> {
    const next = this.writing.then(() =>
      writeCheckpoint(this.store, reason).catch((error: unknown) => {
        this.onError(error);
        return null;
      }),
    );
    this.writing = next;
    return next;
  }

  /** Stops the schedule and signs the head the server stops at. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopListening?.();
    this.stopListening = null;
    if (this.store.auditKey) await this.write('shutdown');
  }
}
