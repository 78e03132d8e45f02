import type { Approval, Id, Version } from '../core/model.ts';
import { type OptionLabels, type TextRecord, contentHash } from '../core/transmission.ts';
import type { Executor, NegotiationContext, Store } from './store.ts';

/** Reading the negotiation's texts as stored, for the rules (never returned to a reader as they are). */

/**
 * Every version of the negotiation with its recipients, unfiltered: for the rules that decide what
 * may be sent (never returned to a reader as it is).
 */
export async function textRecords(
  store: Store,
  ctx: NegotiationContext,
  db: Executor = store.db,
): Promise<(TextRecord & { version: Version; contentHash: string; receivedAt: Record<Id, string> })[]> {
  if (db === store.db)
    return store.reads.get(`texts ${ctx.negotiation.id}`, ['versions', 'version_recipients'], () =>
      loadTextRecords(db, ctx.negotiation.id),
    );
  return loadTextRecords(db, ctx.negotiation.id);
}

async function loadTextRecords(
  db: Executor,
  negotiationId: Id,
): Promise<(TextRecord & { version: Version; contentHash: string; receivedAt: Record<Id, string> })[]> {
  const rows = await db
    .selectFrom('versions')
    .select(['id', 'data', 'content_hash'])
    .where('negotiation_id', '=', negotiationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const recipients = await db
    .selectFrom('version_recipients')
    .innerJoin('versions', 'versions.id', 'version_recipients.version_id')
    .select(['version_recipients.version_id', 'version_recipients.party_id', 'version_recipients.received_at'])
    .where('versions.negotiation_id', '=', negotiationId)
    .execute();
  const byVersion = new Map<Id, Id[]>();
  const receivedAt = new Map<Id, Record<Id, string>>();
  for (const r of recipients) {
    byVersion.set(r.version_id, [...(byVersion.get(r.version_id) ?? []), r.party_id]);
    receivedAt.set(r.version_id, { ...receivedAt.get(r.version_id), [r.party_id]: r.received_at });
  }
  return rows.map((row) => ({
    version: JSON.parse(row.data) as Version,
    recipientPartyIds: byVersion.get(row.id) ?? [],
    contentHash: row.content_hash,
    receivedAt: receivedAt.get(row.id) ?? {},
  }));
}

/**
 * Recomputes the content hash of every text of a negotiation from its content and the options'
 * labels as they stand, in the caller's transaction; returns the texts whose hash changed. Approvals
 * stay bound to the hash they were given on, so a text whose meaning changed needs new approvals.
 */
export async function rehashTexts(
  db: Executor,
  negotiationId: Id,
  labels: OptionLabels,
): Promise<{ versionId: Id; before: string; after: string }[]> {
  const rows = await db
    .selectFrom('versions')
    .select(['id', 'data', 'content_hash'])
    .where('negotiation_id', '=', negotiationId)
    .execute();
  const changed: { versionId: Id; before: string; after: string }[] = [];
  for (const row of rows) {
    const after = contentHash(JSON.parse(row.data) as Version, labels);
    if (after === row.content_hash) continue;
    await db.updateTable('versions').set({ content_hash: after }).where('id', '=', row.id).execute();
    changed.push({ versionId: row.id, before: row.content_hash, after });
  }
  return changed;
}

/** Every decision taken on texts of a negotiation, oldest first. */
export async function textApprovals(db: Executor, negotiationId: Id): Promise<Approval[]> {
  const rows = await db
    .selectFrom('text_approvals')
    .select('data')
    .where('negotiation_id', '=', negotiationId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((row) => JSON.parse(row.data) as Approval);
}
