import { DomainError, invalid, notFound } from '../core/errors.ts';
import type { Approval, Id, Version, VersionView } from '../core/model.ts';
import { type OptionLabels, type TextRecord, contentHash, optionLabels } from '../core/transmission.ts';
import { canSeeVersion, hiddenPointIds, knownRecipients, readerView } from '../core/visibility.ts';
import { listEntities, readEntities } from './collections.ts';
import type { Executor, NegotiationContext, Store } from './store.ts';

/**
 * Reading the negotiation's texts: as stored, for the rules (never returned to a reader as they are),
 * and as each reader may see them (`listVersions`). The commands that write texts (`versions.ts`,
 * `transmission.ts`) and those that refer to their points read them here.
 */

/**
 * A text as stored. `contentHash` is always computed from its content and the options' labels as they
 * stand, never taken from the table; `storedHash` is the hash the table holds, and `altered` says the
 * two differ: the content was changed outside Parley (see `requireUnaltered`).
 */
export type StoredText = TextRecord & {
  version: Version;
  contentHash: string;
  storedHash: string;
  altered: boolean;
  receivedAt: Record<Id, string>;
};

/**
 * Every version of the negotiation with its recipients, unfiltered: for the rules that decide what
 * may be sent (never returned to a reader as it is).
 */
export async function textRecords(
  store: Store,
  ctx: NegotiationContext,
  db: Executor = store.db,
): Promise<StoredText[]> {
  if (db === store.db)
    return store.reads.get(`texts ${ctx.negotiation.id}`, ['versions', 'version_recipients', 'issues'], () =>
      loadTextRecords(db, ctx.negotiation.id),
    );
  return loadTextRecords(db, ctx.negotiation.id);
}

async function loadTextRecords(db: Executor, negotiationId: Id): Promise<StoredText[]> {
  const labels = optionLabels(await listEntities(db, 'issues', negotiationId));
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
  return rows.map((row) => {
    const version = JSON.parse(row.data) as Version;
    // The stored hash is never trusted: a text's hash is what its content gives.
    const hash = contentHash(version, labels);
    return {
      version,
      recipientPartyIds: byVersion.get(row.id) ?? [],
      contentHash: hash,
      storedHash: row.content_hash,
      altered: hash !== row.content_hash,
      receivedAt: receivedAt.get(row.id) ?? {},
    };
  });
}

/**
 * Refuses to decide on a text whose content no longer gives the hash stored with it: someone changed
 * the versions table outside Parley. No approval, transmission, countersignature, mark or new text is
 * made from it until an administrator has looked (`parley audit verify` names it).
 */
export function requireUnaltered(text: { version: { id: Id; label?: string }; altered?: boolean }): void {
  if (text.altered)
    throw new DomainError(
      'conflict',
      `the stored text of version "${text.version.label || text.version.id}" (${text.version.id}) was altered outside Parley: its content no longer matches the content hash it was written with, so nothing is decided on it; an administrator should run "parley audit verify" and restore it from a backup`,
    );
}

/** A text read for a decision (approve, transmit, countersign, mark, close a bracket, consolidate): refused when altered. */
export async function textForDecision(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
  db: Executor = store.db,
): Promise<StoredText> {
  const text = (await textRecords(store, ctx, db)).find((r) => r.version.id === versionId);
  if (!text) throw notFound(`version "${versionId}"`);
  requireUnaltered(text);
  return text;
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

/** The tables that decide which versions a reader sees, and how. */
export const READER_VIEW_TABLES = [
  'versions',
  'version_recipients',
  'issues',
  'tracks',
  'parties',
  'memberships',
  'negotiations',
] as const;

/** Every version the reader may see, oldest first, as they may see it (`readerView`). */
export async function listVersions(store: Store, ctx: NegotiationContext): Promise<VersionView[]> {
  // Each reader's views are kept apart, under the tables that decide what the reader may see.
  return store.reads.get(`views ${ctx.negotiation.id} ${ctx.user.id} ${ctx.scope.isOperator}`, READER_VIEW_TABLES, () =>
    readerViews(store, ctx),
  );
}

async function readerViews(store: Store, ctx: NegotiationContext): Promise<VersionView[]> {
  const records = await textRecords(store, ctx);
  const issues = await readEntities(store, 'issues', ctx.negotiation.id);
  const views: VersionView[] = [];
  const seen = new Set(
    records.filter((r) => canSeeVersion(ctx.scope, r.version, r.recipientPartyIds)).map((r) => r.version.id),
  );
  const hiddenElsewhere = hiddenPointIds(
    ctx.scope,
    ctx.tracks,
    records.map((r) => r.version),
  );
  for (const { version: stored, recipientPartyIds, contentHash: hash, receivedAt } of records) {
    if (!seen.has(stored.id)) continue;
    // A text made from one the reader never received does not name it: its id is not theirs to know.
    const version = stored.parentId !== null && !seen.has(stored.parentId) ? { ...stored, parentId: null } : stored;
    const shownRecipients = knownRecipients(ctx.scope, version.authorPartyId, recipientPartyIds);
    // When each recipient the reader may know of received the text: no more parties than those.
    const transmissions = shownRecipients
      .map((partyId) => ({ partyId, at: receivedAt[partyId]! }))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.partyId.localeCompare(b.partyId));
    views.push({
      ...readerView(ctx.scope, version, shownRecipients, hash, ctx.tracks, issues, hiddenElsewhere),
      transmissions,
    });
  }
  return views;
}

export async function getVersion(store: Store, ctx: NegotiationContext, versionId: Id): Promise<VersionView> {
  const version = (await listVersions(store, ctx)).find((v) => v.id === versionId);
  if (!version) throw notFound(`version "${versionId}"`);
  return version;
}

/** The document as it stands: the current version, or the one asked for. */
export async function document(store: Store, ctx: NegotiationContext, versionId?: Id): Promise<VersionView> {
  if (versionId !== undefined) return getVersion(store, ctx, versionId);
  const visible = await listVersions(store, ctx);
  const current = visible.find((v) => v.id === ctx.negotiation.currentVersionId);
  if (current) return current;
  // No current text is set, or it has not reached this reader yet: the newest main-line text they have.
  const fallback = [...visible].reverse().find((v) => v.kind === 'draft' && !v.internal && !v.withdrawnAt);
  if (!fallback) throw notFound('a version you may see');
  return fallback;
}

/** Refuses work on a withdrawn version, with what to do instead. */
export function requireStanding(version: Pick<Version, 'id' | 'withdrawnAt'>, action: string): void {
  if (version.withdrawnAt)
    throw invalid(
      'versionId',
      `version "${version.id}" was withdrawn on ${version.withdrawnAt}; ${action} a standing version instead`,
    );
}

/**
 * Refuses point ids that no version the writer may see holds (a point is referred to by issues,
 * agendas, tracks and statements); `field` names where they were sent.
 */
export async function requireKnownPoints(
  store: Store,
  ctx: NegotiationContext,
  field: string,
  pointIds: Id[],
): Promise<void> {
  if (pointIds.length === 0) return;
  const known = new Set((await listVersions(store, ctx)).flatMap((v) => v.points.map((p) => p.id)));
  const unknown = pointIds.filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw invalid(
      field,
      `no version you may see has the point${unknown.length > 1 ? 's' : ''} ${unknown.map((id) => `"${id}"`).join(', ')}; use the stable id of a point of a version`,
    );
}
