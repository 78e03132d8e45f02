import { exportLanguages } from '../core/languages.ts';
import type { Transaction } from 'kysely';
import {
  agreementStatus,
  agreementStatusFor,
  obstaclesInWords,
  partiesAtTable,
  pointContentHash,
} from '../core/agreement.ts';
import { DomainError, forbidden, invalid, notFound } from '../core/errors.ts';
import type { AgreementMark, AgreementStatus, Id, Negotiation, Point, Track, Version } from '../core/model.ts';
import { canSeePoint, canSendForParty } from '../core/visibility.ts';
import { listEntities, readEntities } from './collections.ts';
import { requireMediator } from './guards.ts';
import { partyName } from './names.ts';
import type { Database } from './schema.ts';
import type { Executor, NegotiationContext, Recorder, Store } from './store.ts';
import { getVersion, requireStanding, textForDecision, textRecords } from './texts.ts';

/**
 * Nothing is agreed until everything is agreed (`core/agreement.ts`). Each party at the table on a
 * point marks the point's wording agreed ad referendum, bound to its content hash; the mediators
 * close tracks whose points are agreed; when the text under negotiation is agreed as a whole, the
 * negotiation locks it (`requireUnlocked`), and only a mediator reopens a point, with a reason.
 */

/** The conflict of a state that forbids the action (no current entity to merge with). */
const refused = (message: string) => new DomainError('conflict', message);

/**
 * Refuses a change of the text while the agreement is complete and locked: a new version, a draft
 * issued, an amendment, a consolidation, a bracket closed. Every command that changes the text calls it.
 *
 * @example requireUnlocked(ctx); // throws 409 'the agreement is complete and its text locked since …'
 */
export function requireUnlocked(ctx: Pick<NegotiationContext, 'negotiation'>): void {
  if (ctx.negotiation.lockedAt)
    throw refused(
      `the agreement is complete and its text locked since ${ctx.negotiation.lockedAt}: nothing in it changes until a mediator reopens a point (POST /agreement/reopen with the point and a reason)`,
    );
}

/** The same check in a write's transaction, where the lock may have come since the request was read. */
export async function requireUnlockedIn(db: Executor, negotiationId: Id): Promise<void> {
  const row = await db.selectFrom('negotiations').select('data').where('id', '=', negotiationId).executeTakeFirst();
  if (row) requireUnlocked({ negotiation: JSON.parse(row.data) as Negotiation });
}

/**
 * The text the agreement is about: the negotiation's current version while it stands, else the newest
 * standing text of the table that is shared. Null when there is none yet.
 */
export function textUnderNegotiation(versions: Version[], negotiation: Pick<Negotiation, 'currentVersionId'>) {
  const standing = (v: Version) => !v.withdrawnAt && !v.internal;
  const current = versions.find((v) => v.id === negotiation.currentVersionId && standing(v));
  if (current) return current;
  return [...versions].reverse().find((v) => standing(v) && v.authorPartyId === null && v.kind === 'draft') ?? null;
}

/** The marks that stand (not taken back) in a negotiation, oldest first. */
export async function activeMarks(db: Executor, negotiationId: Id): Promise<AgreementMark[]> {
  const rows = await db
    .selectFrom('agreement_marks')
    .select('data')
    .where('negotiation_id', '=', negotiationId)
    .where('withdrawn_at', 'is', null)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((row) => JSON.parse(row.data) as AgreementMark);
}

/** What a reader is told of the agreement on one version. */
export interface AgreementView {
  versionId: Id;
  /** Whether this version is the text under negotiation (the one the lock is about). */
  underNegotiation: boolean;
  status: AgreementStatus;
  /** What still stands in the way, in words with names. */
  obstacles: string;
  lockedAt: string | null;
}

/** The status of a stored version's points, from all its points and the marks given. */
function statusOf(
  version: Pick<Version, 'points'>,
  ctx: Pick<NegotiationContext, 'parties' | 'negotiation'>,
  tracks: Track[],
  marks: AgreementMark[],
  issues: Parameters<typeof pointContentHash>[1],
): AgreementStatus {
  const languages = exportLanguages(ctx.negotiation);
  return agreementStatus({ points: version.points, parties: ctx.parties, tracks, marks, issues, languages });
}

/** The stored version behind one the reader may see (404 when they may not). */
async function storedVersion(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
  forDecision = false,
): Promise<Version> {
  await getVersion(store, ctx, versionId);
  if (forDecision) return (await textForDecision(store, ctx, versionId)).version;
  return (await textRecords(store, ctx)).find((r) => r.version.id === versionId)!.version;
}

/**
 * Where the agreement stands on a version, as the reader may see it: each point's marks (withheld
 * on a track the reader is outside of), and what stands in the way, in words.
 *
 * @example (await agreementOn(store, ctx, 'v3')).obstacles // '2 points not agreed: 4, 9; 1 bracket open'
 */
export async function agreementOn(store: Store, ctx: NegotiationContext, versionId: Id): Promise<AgreementView> {
  const version = await storedVersion(store, ctx, versionId);
  const marks = await store.reads.get(`marks ${ctx.negotiation.id}`, ['agreement_marks'], () =>
    activeMarks(store.db, ctx.negotiation.id),
  );
  const issues = await readEntities(store, 'issues', ctx.negotiation.id);
  const status = agreementStatusFor(
    statusOf(version, ctx, ctx.tracks, marks, issues),
    ctx.scope,
    version.points,
    ctx.tracks,
  );
  const records = await textRecords(store, ctx);
  const current = textUnderNegotiation(
    records.map((r) => r.version),
    ctx.negotiation,
  );
  return {
    versionId,
    underNegotiation: current?.id === versionId,
    status,
    obstacles: obstaclesInWords(status, {
      track: (id) => ctx.tracks.find((t) => t.id === id)?.name ?? 'a track no longer open',
      party: (id) => partyName(ctx.parties, id),
    }),
    lockedAt: ctx.negotiation.lockedAt ?? null,
  };
}

/** The agreement on the text under negotiation (404 when there is none the reader may see). */
export async function agreementNow(store: Store, ctx: NegotiationContext): Promise<AgreementView> {
  const current = textUnderNegotiation(
    (await textRecords(store, ctx)).map((r) => r.version),
    ctx.negotiation,
  );
  if (!current) throw notFound('a text under negotiation');
  return agreementOn(store, ctx, current.id);
}

/** A point of a version as the reader may know it, with why not in words (404 for a point they may not see). */
function pointOf(ctx: NegotiationContext, version: Version, pointId: Id): Point {
  const point = version.points.find((p) => p.id === pointId);
  if (!point || !canSeePoint(ctx.scope, point, ctx.tracks))
    throw notFound(`point "${pointId}" in version "${version.label}"`);
  return point;
}

/** Checks that the reader marks (or takes back) for a party at the table on the point. */
function requireMarker(ctx: NegotiationContext, version: Version, point: Point, partyId: Id, action: string): void {
  const party = ctx.parties.find((p) => p.id === partyId);
  if (!party) throw invalid('partyId', `"${partyId}" is not a party of this negotiation`);
  if (party.kind !== 'party')
    throw invalid(
      'partyId',
      `${party.name} is a coalition: each of its member parties marks a point agreed for itself`,
    );
  if (!canSendForParty(ctx.scope, partyId))
    throw forbidden(`only the principal or the lead of ${party.name} ${action} for it; ask them to`);
  if (version.authorPartyId !== null)
    throw invalid(
      'versionId',
      `version "${version.label}" is a party's text; points are agreed on the text of the table`,
    );
  const table = partiesAtTable(point, ctx.parties, ctx.tracks);
  if (!table.includes(partyId)) {
    const track = ctx.tracks.find((t) => t.id === point.trackId);
    throw forbidden(
      `${party.name} is not at the table on point ${point.number}${track ? ` (negotiated in the track "${track.name}")` : ''}: only its parties agree it`,
    );
  }
}

/**
 * Marks a point of a text of the table agreed ad referendum for a party, bound to the point's content
 * hash as it is in that version. The party's principal or lead, for a party at the table on the point.
 * Marking the same wording again changes nothing. When the text under negotiation is then agreed as a
 * whole, it is locked.
 */
export async function markAgreed(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
  pointId: Id,
  partyId: Id,
): Promise<AgreementView> {
  requireUnlocked(ctx);
  const version = await storedVersion(store, ctx, versionId, true);
  requireStanding(version, 'mark agreement on');
  const point = pointOf(ctx, version, pointId);
  requireMarker(ctx, version, point, partyId, 'marks a point agreed');
  const issues = await readEntities(store, 'issues', ctx.negotiation.id);
  const mark: AgreementMark = {
    pointId,
    partyId,
    contentHash: pointContentHash(point, issues),
    at: store.nowIso(),
    by: ctx.user.id,
  };
  await store.change(ctx.user.id, async (trx, record) => {
    await requireUnlockedIn(trx, ctx.negotiation.id);
    const marks = await activeMarks(trx, ctx.negotiation.id);
    if (marks.some((m) => m.pointId === pointId && m.partyId === partyId && m.contentHash === mark.contentHash)) return;
    const id = await insertMark(store, trx, ctx.negotiation.id, mark);
    await record({
      action: 'agreement.mark',
      entityId: id,
      negotiationId: ctx.negotiation.id,
      before: null,
      after: { ...mark, versionId },
    });
    await lockIfComplete(store, ctx, trx, record);
  });
  return agreementOn(store, await store.context(ctx.user, ctx.negotiation.id, ctx.scope.isOperator), versionId);
}

/**
 * Agrees the whole text ad referendum for a party, in one request: marks every point of a standing text
 * of the table that the party is at the table on, that the reader may see and that has no open bracket
 * (a point still in brackets waits for the bracket to close). The party's principal or lead; one audit
 * event names the points marked. Points the party agreed already in this wording are left as they are.
 * When the text under negotiation is then agreed as a whole, it is locked.
 *
 * @example await markTextAgreed(store, ctx, 'v3', 'ua'); // every point of v3 Ukraine is at the table on
 */
export async function markTextAgreed(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
  partyId: Id,
): Promise<AgreementView> {
  requireUnlocked(ctx);
  const version = await storedVersion(store, ctx, versionId, true);
  requireStanding(version, 'mark agreement on');
  const party = ctx.parties.find((p) => p.id === partyId);
  const ours = version.points.filter(
    (point) =>
      canSeePoint(ctx.scope, point, ctx.tracks) && partiesAtTable(point, ctx.parties, ctx.tracks).includes(partyId),
  );
  const first = ours[0] ?? version.points.find((point) => canSeePoint(ctx.scope, point, ctx.tracks));
  if (!first) throw invalid('versionId', `version "${version.label}" has no point you may see`);
  requireMarker(ctx, version, first, partyId, 'agrees the text');
  const settled = ours.filter((point) => point.brackets.length === 0);
  if (settled.length === 0)
    throw refused(
      `every point of "${version.label}" that ${party!.name} is at the table on still has a bracket open: the pen-holder closes the brackets first`,
    );
  const issues = await readEntities(store, 'issues', ctx.negotiation.id);
  const at = store.nowIso();
  const wanted = settled.map((point): AgreementMark => ({
    pointId: point.id,
    partyId,
    contentHash: pointContentHash(point, issues),
    at,
    by: ctx.user.id,
  }));
  await store.change(ctx.user.id, async (trx, record) => {
    await requireUnlockedIn(trx, ctx.negotiation.id);
    const marks = await activeMarks(trx, ctx.negotiation.id);
    // The party's standing marks, by point and wording: one look each, however long the text.
    const standing = new Set(marks.filter((m) => m.partyId === partyId).map((m) => `${m.pointId}\n${m.contentHash}`));
    const fresh = wanted.filter((mark) => !standing.has(`${mark.pointId}\n${mark.contentHash}`));
    if (fresh.length === 0) return;
    for (const mark of fresh) await insertMark(store, trx, ctx.negotiation.id, mark);
    await record({
      action: 'agreement.mark_text',
      entityId: versionId,
      negotiationId: ctx.negotiation.id,
      before: null,
      after: { versionId, partyId, pointIds: fresh.map((m) => m.pointId), at, by: ctx.user.id },
    });
    await lockIfComplete(store, ctx, trx, record);
  });
  return agreementOn(store, await store.context(ctx.user, ctx.negotiation.id, ctx.scope.isOperator), versionId);
}

/** Writes a standing mark; returns its id. */
async function insertMark(store: Store, trx: Transaction<Database>, negotiationId: Id, mark: AgreementMark) {
  const id = store.id();
  await trx
    .insertInto('agreement_marks')
    .values({
      id,
      negotiation_id: negotiationId,
      point_id: mark.pointId,
      party_id: mark.partyId,
      content_hash: mark.contentHash,
      data: JSON.stringify(mark),
      at: mark.at,
      withdrawn_at: null,
    })
    .execute();
  return id;
}

/** Takes back a party's marks on a point (every wording). Not on a locked text: a mediator reopens it. */
export async function takeBackMark(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
  pointId: Id,
  partyId: Id,
): Promise<AgreementView> {
  requireUnlocked(ctx);
  const version = await storedVersion(store, ctx, versionId);
  const point = pointOf(ctx, version, pointId);
  requireMarker(ctx, version, point, partyId, 'takes back its agreement');
  await store.change(ctx.user.id, async (trx, record) => {
    await requireUnlockedIn(trx, ctx.negotiation.id);
    const taken = await withdrawMarks(trx, ctx.negotiation.id, pointId, store.nowIso(), partyId);
    if (taken === 0) return;
    await record({
      action: 'agreement.take_back',
      entityId: pointId,
      negotiationId: ctx.negotiation.id,
      before: null,
      after: { pointId, partyId, versionId, marks: taken },
    });
  });
  return agreementOn(store, ctx, versionId);
}

/** Marks the standing marks on a point as taken back (one party's, or everyone's); returns how many. */
async function withdrawMarks(
  trx: Transaction<Database>,
  negotiationId: Id,
  pointId: Id,
  at: string,
  partyId?: Id,
): Promise<number> {
  let query = trx
    .updateTable('agreement_marks')
    .set({ withdrawn_at: at })
    .where('negotiation_id', '=', negotiationId)
    .where('point_id', '=', pointId)
    .where('withdrawn_at', 'is', null);
  if (partyId !== undefined) query = query.where('party_id', '=', partyId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * In a write's transaction: when the text under negotiation is now agreed as a whole (every point
 * agreed, no bracket, every track closed), the negotiation is locked and the lock recorded.
 */
async function lockIfComplete(
  store: Store,
  ctx: NegotiationContext,
  trx: Transaction<Database>,
  record: Recorder,
): Promise<void> {
  const row = await trx
    .selectFrom('negotiations')
    .select(['data', 'revision'])
    .where('id', '=', ctx.negotiation.id)
    .executeTakeFirstOrThrow();
  const negotiation = JSON.parse(row.data) as Negotiation;
  if (negotiation.lockedAt) return;
  const versions = (await textRecords(store, ctx, trx)).map((r) => r.version);
  const text = textUnderNegotiation(versions, negotiation);
  if (!text) return;
  const tracks = await listEntities(trx, 'tracks', ctx.negotiation.id);
  const issues = await listEntities(trx, 'issues', ctx.negotiation.id);
  const status = statusOf(
    text,
    { parties: ctx.parties, negotiation },
    tracks,
    await activeMarks(trx, ctx.negotiation.id),
    issues,
  );
  if (!status.overall.complete) return;
  const after = { ...negotiation, lockedAt: store.nowIso(), lockedVersionId: text.id };
  await trx
    .updateTable('negotiations')
    .set({ data: JSON.stringify(after), revision: row.revision + 1 })
    .where('id', '=', ctx.negotiation.id)
    .execute();
  await record({
    action: 'agreement.lock',
    entityId: ctx.negotiation.id,
    negotiationId: ctx.negotiation.id,
    before: null,
    after: { lockedAt: after.lockedAt, versionId: text.id },
  });
}

/**
 * Reopens a point of a locked text: a mediator, with a reason. Every mark on the point is taken back
 * (the parties mark it again once it is settled), the lock is lifted, and both are recorded with the reason.
 */
export async function reopenPoint(
  store: Store,
  ctx: NegotiationContext,
  pointId: Id,
  reason: string,
): Promise<AgreementView> {
  requireMediator(ctx, 'reopen a point of the agreement');
  if (!reason.trim()) throw invalid('reason', 'say why the point is reopened: the record keeps it');
  const records = await textRecords(store, ctx);
  const text = textUnderNegotiation(
    records.map((r) => r.version),
    ctx.negotiation,
  );
  if (!ctx.negotiation.lockedAt || !text)
    throw refused(
      'the agreement is not complete, so nothing is locked: a party takes back its own mark (DELETE …/points/:pointId/agreement)',
    );
  if (!text.points.some((p) => p.id === pointId))
    throw invalid('pointId', `the agreed text "${text.label}" has no point "${pointId}"`);
  await store.change(ctx.user.id, async (trx, record) => {
    const row = await trx
      .selectFrom('negotiations')
      .select(['data', 'revision'])
      .where('id', '=', ctx.negotiation.id)
      .executeTakeFirstOrThrow();
    const before = JSON.parse(row.data) as Negotiation;
    const after = { ...before, lockedAt: null, lockedVersionId: null };
    await trx
      .updateTable('negotiations')
      .set({ data: JSON.stringify(after), revision: row.revision + 1 })
      .where('id', '=', ctx.negotiation.id)
      .execute();
    const taken = await withdrawMarks(trx, ctx.negotiation.id, pointId, store.nowIso());
    await record({
      action: 'agreement.reopen',
      entityId: pointId,
      negotiationId: ctx.negotiation.id,
      before: { lockedAt: before.lockedAt, versionId: before.lockedVersionId ?? null },
      after: { pointId, reason, marksTakenBack: taken },
    });
  });
  return agreementOn(store, await store.context(ctx.user, ctx.negotiation.id, ctx.scope.isOperator), text.id);
}

/**
 * Closes a track: a mediator, once every point the text under negotiation assigns to it is agreed
 * (the refusal names those that are not). The last track closed may complete the agreement, and lock it.
 */
export async function closeTrack(store: Store, ctx: NegotiationContext, trackId: Id): Promise<Track> {
  requireMediator(ctx, 'close a track');
  const track = ctx.tracks.find((t) => t.id === trackId);
  if (!track) throw notFound(`track "${trackId}"`);
  if (track.closedAt) throw refused(`the track "${track.name}" was closed on ${track.closedAt}`);
  const text = textUnderNegotiation(
    (await textRecords(store, ctx)).map((r) => r.version),
    ctx.negotiation,
  );
  const issues = await readEntities(store, 'issues', ctx.negotiation.id);
  const marks = await activeMarks(store.db, ctx.negotiation.id);
  const own = { points: (text?.points ?? []).filter((p) => p.trackId === trackId) };
  const status = statusOf(own, ctx, ctx.tracks, marks, issues);
  const open = status.points.filter((p) => !p.agreed).map((p) => p.number);
  if (open.length > 0)
    throw refused(
      `the track "${track.name}" closes only when its points are agreed: ${open.length === 1 ? 'point' : 'points'} ${open.join(', ')} ${open.length === 1 ? 'is' : 'are'} not (every party of the track marks each, no bracket remains and every authentic language is up to date)`,
    );
  return setTrackClosed(store, ctx, track, store.nowIso(), 'track.close');
}

/** Reopens a closed track (a mediator); not while the text is locked: reopen a point first. */
export async function reopenTrack(store: Store, ctx: NegotiationContext, trackId: Id): Promise<Track> {
  requireMediator(ctx, 'reopen a track');
  requireUnlocked(ctx);
  const track = ctx.tracks.find((t) => t.id === trackId);
  if (!track) throw notFound(`track "${trackId}"`);
  if (!track.closedAt) throw refused(`the track "${track.name}" is open`);
  return setTrackClosed(store, ctx, track, null, 'track.reopen');
}

async function setTrackClosed(
  store: Store,
  ctx: NegotiationContext,
  track: Track,
  closedAt: string | null,
  action: 'track.close' | 'track.reopen',
): Promise<Track> {
  return store.change(ctx.user.id, async (trx, record) => {
    const row = await trx
      .selectFrom('tracks')
      .select(['data', 'revision'])
      .where('negotiation_id', '=', ctx.negotiation.id)
      .where('id', '=', track.id)
      .executeTakeFirstOrThrow();
    const before = { ...JSON.parse(row.data), revision: row.revision } as Track;
    if (Boolean(before.closedAt) === (closedAt !== null))
      throw refused(`the track "${track.name}" is already ${closedAt ? 'closed' : 'open'}`);
    const after: Track = { ...before, closedAt, revision: row.revision + 1 };
    const { revision, ...data } = after;
    await trx
      .updateTable('tracks')
      .set({ data: JSON.stringify(data), revision })
      .where('negotiation_id', '=', ctx.negotiation.id)
      .where('id', '=', track.id)
      .execute();
    await record({ action, entityId: track.id, negotiationId: ctx.negotiation.id, before, after });
    if (closedAt) await lockIfComplete(store, ctx, trx, record);
    return after;
  });
}
