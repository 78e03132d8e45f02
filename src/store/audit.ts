import { createHash } from 'node:crypto';
import type { Db } from './engine.ts';
import type { Selectable, Transaction } from 'kysely';
import { auditEntity, type AuditAction } from './audit-kinds.ts';
import { runPrepared } from './prepared.ts';
import type { Database } from './schema.ts';

/** The hash the first event chains to. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a change records: the kind of event (its entity follows from it), on what, and the state before and after. */
export interface AuditChange {
  /** What happened, as `entity.verb`: `position.update`, `version.transmit` (one of `AUDIT_KINDS`). */
  action: AuditAction;
  entityId: string;
  negotiationId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditEventInput extends AuditChange {
  at: string;
  actorId: string | null;
}

/** An event as stored, without its own hash (which is computed over these fields). */
type StoredEvent = Omit<Selectable<Database['audit_events']>, 'hash'>;

/** SHA-256 over the event's fields and the previous event's hash, so that no event can change unnoticed. */
export function eventHash(event: StoredEvent): string {
  const fields = [
    event.seq,
    event.at,
    event.actor_id,
    event.action,
    event.entity,
    event.entity_id,
    event.negotiation_id,
    event.before,
    event.after,
    event.prev_hash,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** Where an event stands in the chain: its sequence number and its hash. */
export interface ChainPoint {
  seq: number;
  hash: string;
}

/** Appends one event to the chain; call inside the transaction that makes the change. Returns where it stands. */
export async function appendAuditEvent(trx: Transaction<Database>, input: AuditEventInput): Promise<ChainPoint> {
  const {
    rows: [last],
  } = await runPrepared<Pick<StoredEvent, 'seq'> & { hash: string }>(trx, 'audit last', [], () =>
    trx.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1),
  );
  const event: StoredEvent = {
    seq: (last?.seq ?? 0) + 1,
    at: input.at,
    actor_id: input.actorId,
    action: input.action,
    entity: auditEntity(input.action),
    entity_id: input.entityId,
    negotiation_id: input.negotiationId,
    before: input.before === undefined || input.before === null ? null : JSON.stringify(input.before),
    after: input.after === undefined || input.after === null ? null : JSON.stringify(input.after),
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  const row = { ...event, hash: eventHash(event) };
  const columns = Object.keys(row) as (keyof typeof row)[];
  await runPrepared(trx, 'audit append', Object.values(row), (slot) =>
    trx
      .insertInto('audit_events')
      .values(Object.fromEntries(columns.map((column, i) => [column, slot(i)])) as typeof row),
  );
  return { seq: row.seq, hash: row.hash };
}

export type AuditVerdict = { ok: true; events: number } | { ok: false; events: number; seq: number; reason: string };

/**
 * Walks the audit chain from the first event and names the first one that does not match: a changed
 * field (its hash differs), a broken link (its previous hash is not the hash before it) or a gap.
 */
export async function verifyAuditChain(db: Db): Promise<AuditVerdict> {
  let previousHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  const pageSize = 1000;
  while (true) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of rows) {
      if (row.seq !== expectedSeq)
        return {
          ok: false,
          events: count,
          seq: expectedSeq,
          reason: `event ${expectedSeq} is missing (the next one is ${row.seq})`,
        };
      if (row.prev_hash !== previousHash)
        return {
          ok: false,
          events: count,
          seq: row.seq,
          reason: `event ${row.seq} (${row.action}) does not link to the event before it`,
        };
      if (eventHash(row) !== row.hash)
        return {
          ok: false,
          events: count,
          seq: row.seq,
          reason: `event ${row.seq} (${row.action} ${row.entity} ${row.entity_id}) was altered: its content no longer matches its hash`,
        };
      previousHash = row.hash;
      expectedSeq++;
      count++;
    }
    if (rows.length < pageSize) return { ok: true, events: count };
  }
}
