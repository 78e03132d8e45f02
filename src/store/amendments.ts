import type { Transaction } from 'kysely';
import {
  type AmendmentChange,
  type AmendmentConflict,
  checkAnchor,
  consolidate,
  findConflicts,
  isSpanChange,
  reanchor,
} from '../core/amendments.ts';
import { DomainError, conflict, forbidden, invalid, notFound } from '../core/errors.ts';
import { TEXT_LIMITS } from '../core/limits.ts';
import { type AmendmentState } from '../core/amendment-states.ts';
export { AMENDMENT_STATES, JUSTIFICATION_LENGTH, type AmendmentState } from '../core/amendment-states.ts';
import type { Id, Point, Version, VersionView } from '../core/model.ts';
import { holds } from '../core/transmission.ts';
import {
  type AmendmentAudience,
  amendmentRule,
  canActForParty,
  canSendForParty,
  holdsPen,
} from '../core/visibility.ts';
import { requireUnlocked } from './agreement.ts';
import { coalitionMembers, requireWordsMayGo } from './gate.ts';
import { partyName } from './names.ts';
import type { Database } from './schema.ts';
import type { Executor, NegotiationContext, Store } from './store.ts';
import {
  READER_VIEW_TABLES,
  getVersion,
  listVersions,
  requireStanding,
  textForDecision,
  textRecords,
} from './texts.ts';
import { createVersion } from './versions.ts';

/**
 * Amendments: a party proposes a change to a version, keeps it internal until its principal or lead
 * tables it (to the mediators, or to the table), and the pen-holder accepts (perhaps with changes) or
 * rejects it; consolidation makes the next version from the accepted ones and carries the pending ones
 * to it. The rules of who reads what are `amendmentRule`/`canSeeAmendment` (core/visibility.ts); the
 * changes themselves are core/amendments.ts. Each command checks the policy and writes the change and
 * its audit event in one transaction.
 */

/** Amendments still waiting for the pen-holder: carried to the next version by consolidation. */
const PENDING: AmendmentState[] = ['draft', 'tabled'];

export interface AmendmentDecision {
  decision: 'accept' | 'reject';
  note: string;
  at: string;
  /** When accepted with changes: the change as the party proposed it (`change` is the pen-holder's). */
  proposedChange: AmendmentChange | null;
}

/** What the `data` column holds. */
export interface AmendmentData {
  change: AmendmentChange;
  justification: string;
  createdBy: Id;
  tabledAt: string | null;
  decision: AmendmentDecision | null;
  withdrawnAt: string | null;
  orphanedReason: string | null;
  /** The version consolidation made: from this amendment (consolidated) or without its span (orphaned). */
  consolidatedIn: Id | null;
  /** The versions it was proposed to before consolidation carried it to this one, oldest first. */
  carriedFrom: Id[];
}

/** An amendment as a reader sees it. */
export interface Amendment {
  id: Id;
  versionId: Id;
  partyId: Id;
  partyName: string;
  state: AmendmentState;
  tabledTo: 'mediators' | 'table' | null;
  revision: number;
  change: AmendmentChange;
  justification: string;
  createdAt: string;
  tabledAt: string | null;
  decision: AmendmentDecision | null;
  withdrawnAt: string | null;
  orphanedReason: string | null;
  consolidatedIn: Id | null;
  carriedFrom: Id[];
  /** The other amendments the reader sees that cannot be applied with this one, and why. */
  conflicts: { withId: Id; reason: string }[];
}

type Row = Database['amendments'];

function fromRow(ctx: NegotiationContext, row: Row): Omit<Amendment, 'conflicts'> {
  const data = JSON.parse(row.data) as AmendmentData;
  return {
    id: row.id,
    versionId: row.version_id,
    partyId: row.party_id,
    partyName: partyName(ctx.parties, row.party_id),
    state: row.state as AmendmentState,
    tabledTo: row.tabled_to as AmendmentAudience,
    revision: row.revision,
    change: data.change,
    justification: data.justification,
    createdAt: row.created_at,
    tabledAt: data.tabledAt,
    decision: data.decision,
    withdrawnAt: data.withdrawnAt,
    orphanedReason: data.orphanedReason,
    consolidatedIn: data.consolidatedIn,
    carriedFrom: data.carriedFrom,
  };
}

/** The point an amendment is about (the one it follows, for a new point), to decide whether the reader sees it. */
const pointOf = (change: AmendmentChange): Id | null =>
  change.kind === 'addPoint' ? change.afterPointId : change.pointId;

/**
 * The amendments to these versions (each one the reader may see) that the reader may see, read with
 * the rule in the query itself: rows the reader may not see never leave the database. A track's
 * point's amendments then only for the track's parties and the mediators.
 */
async function readVisible(
  store: Store,
  ctx: NegotiationContext,
  versions: Pick<VersionView, 'id' | 'authorPartyId' | 'points'>[],
): Promise<Omit<Amendment, 'conflicts'>[]> {
  if (versions.length === 0) return [];
  // The versions grouped by the audiences whose amendments the reader reads on them.
  const groups = new Map<string, Id[]>();
  let all = false;
  const own = new Set<Id>();
  for (const version of versions) {
    const rule = amendmentRule(ctx.scope, version);
    if (rule.all) {
      all = true;
      continue;
    }
    rule.partyIds.forEach((p) => own.add(p));
    const key = rule.audiences.join(',');
    groups.set(key, [...(groups.get(key) ?? []), version.id]);
  }
  const rows = await store.db
    .selectFrom('amendments')
    .selectAll()
    .where('negotiation_id', '=', ctx.negotiation.id)
    .where(
      'version_id',
      'in',
      versions.map((v) => v.id),
    )
    .where((eb) => {
      if (all) return eb.lit(true);
      const ors = [];
      if (own.size > 0) ors.push(eb('party_id', 'in', [...own]));
      for (const [audiences, ids] of groups)
        if (audiences !== '')
          ors.push(eb.and([eb('tabled_to', 'in', audiences.split(',')), eb('version_id', 'in', ids)]));
      return ors.length === 0 ? eb.lit(false) : eb.or(ors);
    })
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const pointsOf = new Map(versions.map((v) => [v.id, new Set(v.points.map((p) => p.id))]));
  // The versions it was carried from and consolidated in are named only when the reader received them.
  const known = new Set((await listVersions(store, ctx)).map((v) => v.id));
  return rows
    .map((row) => fromRow(ctx, row))
    .filter((amendment) => {
      // A point the reader's view of the version lacks is on a track they are outside of.
      const pointId = pointOf(amendment.change);
      return pointId === null || pointsOf.get(amendment.versionId)!.has(pointId);
    })
    .map((amendment) => ({
      ...amendment,
      carriedFrom: amendment.carriedFrom.filter((id) => known.has(id)),
      consolidatedIn:
        amendment.consolidatedIn !== null && known.has(amendment.consolidatedIn) ? amendment.consolidatedIn : null,
    }));
}

/** Each amendment with the conflicts among those listed (only the ones still in play). */
function withConflicts(points: readonly Point[], amendments: Omit<Amendment, 'conflicts'>[]): Amendment[] {
  const live = amendments.filter((a) => a.state === 'draft' || a.state === 'tabled' || a.state === 'accepted');
  const found: AmendmentConflict[] = findConflicts(points, live, { limit: 5000 });
  const byId = new Map<Id, { withId: Id; reason: string }[]>();
  for (const { ids, reason } of found) {
    byId.set(ids[0], [...(byId.get(ids[0]) ?? []), { withId: ids[1], reason }]);
    byId.set(ids[1], [...(byId.get(ids[1]) ?? []), { withId: ids[0], reason }]);
  }
  return amendments.map((a) => ({ ...a, conflicts: byId.get(a.id) ?? [] }));
}

/** The amendments to a version the reader may see, oldest first, each with its conflicts among them. */
export async function listAmendments(store: Store, ctx: NegotiationContext, versionId: Id): Promise<Amendment[]> {
  const version = await getVersion(store, ctx, versionId);
  return withConflicts(version.points, await readVisible(store, ctx, [version]));
}

/** Every amendment of the negotiation the reader may see, on every version they may see. */
export async function listAllAmendments(store: Store, ctx: NegotiationContext): Promise<Amendment[]> {
  return store.reads.get(
    `amendments ${ctx.negotiation.id} ${ctx.user.id} ${ctx.scope.isOperator}`,
    ['amendments', ...READER_VIEW_TABLES],
    async () => {
      const versions = await listVersions(store, ctx);
      const visible = await readVisible(store, ctx, versions);
      return versions.flatMap((v) =>
        withConflicts(
          v.points,
          visible.filter((a) => a.versionId === v.id),
        ),
      );
    },
  );
}

/** One amendment the reader may see, or 404 (the same whether it does not exist or is another party's). */
async function getAmendment(
  store: Store,
  ctx: NegotiationContext,
  amendmentId: Id,
): Promise<{ amendment: Amendment; version: VersionView }> {
  const row = await store.db
    .selectFrom('amendments')
    .select('version_id')
    .where('negotiation_id', '=', ctx.negotiation.id)
    .where('id', '=', amendmentId)
    .executeTakeFirst();
  const version = row ? await getVersion(store, ctx, row.version_id).catch(() => null) : null;
  const amendment = version && (await listAmendments(store, ctx, version.id)).find((a) => a.id === amendmentId);
  if (!version || !amendment) throw notFound(`amendment "${amendmentId}"`);
  return { amendment, version };
}

/** The amendment's row inside the transaction, refused when it changed since the reader read it. */
async function lockedRow(trx: Transaction<Database>, amendment: Amendment): Promise<Row> {
  const row = await trx.selectFrom('amendments').selectAll().where('id', '=', amendment.id).executeTakeFirstOrThrow();
  if (row.revision !== amendment.revision)
    throw conflict(`the amendment "${amendment.id}"`, amendment.revision, { ...amendment, revision: row.revision });
  return row;
}

async function writeRow(
  trx: Transaction<Database>,
  row: Row,
  patch: Partial<Omit<Row, 'data'>> & { data?: Partial<AmendmentData> },
): Promise<void> {
  const data = { ...(JSON.parse(row.data) as AmendmentData), ...patch.data };
  await trx
    .updateTable('amendments')
    .set({ ...patch, data: JSON.stringify(data), revision: row.revision + 1 })
    .where('id', '=', row.id)
    .execute();
}

/** The words an amendment (or a decision on one: its note, and the change it accepts) carries to whoever reads it. */
function amendmentWords(change: AmendmentChange | undefined, justification: string): string[] {
  const words = [justification];
  if (!change) return words;
  if (change.kind === 'addPoint') words.push(change.title, change.text);
  else if (change.kind === 'replace' || change.kind === 'insert') words.push(change.text);
  return words;
}

/** A name for an amendment in a message: "Ukraine's amendment to point 4 (“the audit…”)". */
export function describeAmendment(
  parties: NegotiationContext['parties'],
  points: readonly Point[],
  amendment: { partyId: Id; change: AmendmentChange },
): string {
  const change = amendment.change;
  const who = `${partyName(parties, amendment.partyId)}'s amendment`;
  if (change.kind === 'addPoint') return `${who} adding the point “${change.title.slice(0, 40)}”`;
  const number = points.find((p) => p.id === change.pointId)?.number;
  const quote = isSpanChange(change) && change.kind !== 'insert' ? ` (“${change.quote.slice(0, 40)}”)` : '';
  return `${who} to point ${number ?? change.pointId}${quote}`;
}

/** The party a member proposes for when they do not say: their own seat's party. */
function defaultParty(ctx: NegotiationContext): Id {
  const seat = ctx.memberships.find((m) => m.userId === ctx.user.id && m.partyId);
  if (!seat?.partyId)
    throw invalid(
      'partyId',
      'you sit at the table for no party; amendments are proposed by a party, name it in partyId',
    );
  return seat.partyId;
}

/** Refuses work on the amendments of a withdrawn version. */
function requireAmendable(version: VersionView): void {
  requireStanding(version, 'amend');
}

/**
 * A party's member proposes an amendment to a version the party holds (received, or wrote). It stays
 * internal to the party (a coalition's to its member parties) until tabled.
 */
export async function proposeAmendment(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
  input: { partyId?: Id; change: AmendmentChange; justification: string },
): Promise<Amendment> {
  requireUnlocked(ctx);
  const version = await getVersion(store, ctx, versionId);
  requireAmendable(version);
  const partyId = input.partyId ?? defaultParty(ctx);
  if (!ctx.parties.some((p) => p.id === partyId))
    throw invalid('partyId', `"${partyId}" is not a party of this negotiation`);
  if (!canActForParty(ctx.scope, partyId))
    throw forbidden(`only members of ${partyName(ctx.parties, partyId)} propose its amendments`);
  const record = (await textRecords(store, ctx)).find((r) => r.version.id === versionId)!;
  if (!holds(record, partyId, ctx.parties))
    throw forbidden(
      `${partyName(ctx.parties, partyId)} has not received version "${version.label || version.id}"; a party amends the texts it holds`,
    );
  checkAnchor(version.points, input.change, 'change');
  await requireWordsMayGo(
    store,
    ctx,
    "the amendment's wording",
    amendmentWords(input.change, input.justification),
    coalitionMembers(ctx, partyId),
  );
  const id = store.id();
  const data: AmendmentData = {
    change: input.change,
    justification: input.justification,
    createdBy: ctx.user.id,
    tabledAt: null,
    decision: null,
    withdrawnAt: null,
    orphanedReason: null,
    consolidatedIn: null,
    carriedFrom: [],
  };
  await store.change(ctx.user.id, async (trx, record) => {
    // Each party counts only its own, against its share of what a version takes: a count over every
    // party would tell a party how many amendments it may not see.
    const share = amendmentShare(ctx.parties.length);
    const count = await trx
      .selectFrom('amendments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('negotiation_id', '=', ctx.negotiation.id)
      .where('version_id', '=', versionId)
      .where('party_id', '=', partyId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= share)
      throw invalid(
        'versionId',
        `${partyName(ctx.parties, partyId)} has proposed the ${share} amendments a party may propose to “${version.label}” (the ${TEXT_LIMITS.amendmentsPerVersion} a version takes, shared among the ${ctx.parties.length} parties at the table); withdraw one, or amend the consolidated version once the pen-holder has made it`,
      );
    const row: Row = {
      id,
      negotiation_id: ctx.negotiation.id,
      version_id: versionId,
      party_id: partyId,
      state: 'draft',
      tabled_to: null,
      revision: 1,
      data: JSON.stringify(data),
      created_at: store.nowIso(),
    };
    await trx.insertInto('amendments').values(row).execute();
    await record({
      action: 'amendment.propose',
      entityId: id,
      negotiationId: ctx.negotiation.id,
      before: null,
      after: { versionId, partyId, ...data },
    });
  });
  return (await getAmendment(store, ctx, id)).amendment;
}

/** A party's member edits its draft amendment (not once tabled), at a revision. */
export async function editAmendment(
  store: Store,
  ctx: NegotiationContext,
  amendmentId: Id,
  input: { revision: number; change?: AmendmentChange; justification?: string },
): Promise<Amendment> {
  const { amendment, version } = await getAmendment(store, ctx, amendmentId);
  if (!canActForParty(ctx.scope, amendment.partyId))
    throw forbidden(`only members of ${amendment.partyName} edit its amendments`);
  if (amendment.state !== 'draft')
    throw invalid('state', `the amendment is ${amendment.state}; only a draft is edited: propose another one`);
  requireAmendable(version);
  const change = input.change ?? amendment.change;
  const justification = input.justification ?? amendment.justification;
  checkAnchor(version.points, change, 'change');
  await requireWordsMayGo(
    store,
    ctx,
    "the amendment's wording",
    amendmentWords(change, justification),
    coalitionMembers(ctx, amendment.partyId),
  );
  if (amendment.revision !== input.revision)
    throw conflict(`the amendment "${amendmentId}"`, input.revision, amendment);
  await store.change(ctx.user.id, async (trx, record) => {
    const row = await lockedRow(trx, amendment);
    await writeRow(trx, row, { data: { change, justification } });
    await record({
      action: 'amendment.update',
      entityId: amendmentId,
      negotiationId: ctx.negotiation.id,
      before: { change: amendment.change, justification: amendment.justification },
      after: { change, justification },
    });
  });
  return (await getAmendment(store, ctx, amendmentId)).amendment;
}

/**
 * The parties an amendment tabled this way reaches, beside its own: the author party of a party's text
 * (to the mediators), or every party that holds the version (to the table; for a track's point, only
 * the track's parties).
 */
async function audienceOf(
  store: Store,
  ctx: NegotiationContext,
  version: VersionView,
  amendment: Amendment,
  to: 'mediators' | 'table',
): Promise<Id[]> {
  const own = new Set([amendment.partyId, ...coalitionMembers(ctx, amendment.partyId)]);
  if (to === 'mediators')
    return version.authorPartyId && !own.has(version.authorPartyId) ? [version.authorPartyId] : [];
  const record = (await textRecords(store, ctx)).find((r) => r.version.id === version.id)!;
  const pointId = pointOf(amendment.change);
  const point = pointId === null ? undefined : record.version.points.find((p) => p.id === pointId);
  const track = point?.trackId ? ctx.tracks.find((t) => t.id === point.trackId) : undefined;
  return ctx.parties
    .filter((p) => !own.has(p.id) && holds(record, p.id, ctx.parties))
    .filter((p) => !track || track.partyIds.includes(p.id))
    .map((p) => p.id);
}

/**
 * The party's principal or lead tables its amendment: to the mediators (and the author party of a
 * party's text), or to the table. The words then reach other parties, so they pass the gate for each.
 * One tabled to the mediators may later be tabled to the table.
 */
export async function tableAmendment(
  store: Store,
  ctx: NegotiationContext,
  amendmentId: Id,
  to: 'mediators' | 'table',
): Promise<Amendment> {
  requireUnlocked(ctx);
  const { amendment, version } = await getAmendment(store, ctx, amendmentId);
  if (!canSendForParty(ctx.scope, amendment.partyId))
    throw forbidden(
      `only the principal or the lead of ${amendment.partyName} tables its amendments; ask them to table this one`,
    );
  requireAmendable(version);
  const widening = amendment.state === 'tabled' && amendment.tabledTo === 'mediators' && to === 'table';
  if (amendment.state !== 'draft' && !widening)
    throw invalid(
      'to',
      amendment.state === 'tabled'
        ? `the amendment is already tabled to the ${amendment.tabledTo}`
        : `the amendment is ${amendment.state}; only a draft (or one tabled to the mediators) is tabled`,
    );
  await requireWordsMayGo(
    store,
    ctx,
    "the amendment's wording",
    amendmentWords(amendment.change, amendment.justification),
    await audienceOf(store, ctx, version, amendment, to),
  );
  await store.change(ctx.user.id, async (trx, record) => {
    const row = await lockedRow(trx, amendment);
    const tabledAt = store.nowIso();
    await writeRow(trx, row, { state: 'tabled', tabled_to: to, data: { tabledAt } });
    await record({
      action: 'amendment.table',
      entityId: amendmentId,
      negotiationId: ctx.negotiation.id,
      before: { state: amendment.state, tabledTo: amendment.tabledTo },
      after: { state: 'tabled', tabledTo: to, tabledAt },
    });
  });
  return (await getAmendment(store, ctx, amendmentId)).amendment;
}

/** Refuses anyone but the pen-holder of the version. */
function requirePen(ctx: NegotiationContext, version: VersionView, action: string): void {
  if (holdsPen(ctx.scope, version)) return;
  throw forbidden(
    version.authorPartyId === null
      ? `only a mediator holds the pen of a text of the table and may ${action}`
      : `only the principal or the lead of ${partyName(ctx.parties, version.authorPartyId)}, whose text it is, may ${action}`,
  );
}

/**
 * The pen-holder accepts or rejects a tabled amendment, once. A `change` accepts it with changes: the
 * pen-holder's change stands, and the party's is kept in the decision.
 */
export async function decideAmendment(
  store: Store,
  ctx: NegotiationContext,
  amendmentId: Id,
  input: { decision: 'accept' | 'reject'; change?: AmendmentChange; note?: string },
): Promise<Amendment> {
  requireUnlocked(ctx);
  const { amendment, version } = await getAmendment(store, ctx, amendmentId);
  requirePen(ctx, version, 'decide on its amendments');
  requireAmendable(version);
  if (amendment.state !== 'tabled')
    throw invalid(
      'decision',
      amendment.decision
        ? `the amendment was already ${amendment.decision.decision === 'accept' ? 'accepted' : 'rejected'} on ${amendment.decision.at}; an amendment is decided once`
        : `the amendment is ${amendment.state}; only a tabled amendment is decided`,
    );
  if (input.change && input.decision === 'reject')
    throw invalid('change', 'a rejection carries no change; accept with the change, or reject without one');
  if (input.change) checkAnchor(version.points, input.change, 'change');
  // The decision's words reach the amendment's party and everyone it was tabled to: they pass the gate.
  const readers = [
    ...new Set([
      amendment.partyId,
      ...coalitionMembers(ctx, amendment.partyId),
      ...(await audienceOf(store, ctx, version, amendment, amendment.tabledTo ?? 'mediators')),
    ]),
  ];
  await requireWordsMayGo(
    store,
    ctx,
    "the decision's note and wording",
    amendmentWords(input.change, input.note ?? ''),
    readers,
  );
  const decision: AmendmentDecision = {
    decision: input.decision,
    note: input.note ?? '',
    at: store.nowIso(),
    proposedChange: input.change ? amendment.change : null,
  };
  await store.change(ctx.user.id, async (trx, record) => {
    const row = await lockedRow(trx, amendment);
    await writeRow(trx, row, {
      state: input.decision === 'accept' ? 'accepted' : 'rejected',
      data: { decision, ...(input.change ? { change: input.change } : {}) },
    });
    await record({
      action: 'amendment.decide',
      entityId: amendmentId,
      negotiationId: ctx.negotiation.id,
      before: { state: amendment.state },
      after: { ...decision, change: input.change ?? amendment.change },
    });
  });
  return (await getAmendment(store, ctx, amendmentId)).amendment;
}

/** Its party withdraws an amendment not yet decided (a tabled one: its principal or lead). */
export async function withdrawAmendment(store: Store, ctx: NegotiationContext, amendmentId: Id): Promise<Amendment> {
  const { amendment } = await getAmendment(store, ctx, amendmentId);
  if (!canActForParty(ctx.scope, amendment.partyId))
    throw forbidden(`only ${amendment.partyName} withdraws its amendments`);
  if (amendment.state === 'tabled' && !canSendForParty(ctx.scope, amendment.partyId))
    throw forbidden(`only the principal or the lead of ${amendment.partyName} withdraws a tabled amendment`);
  if (amendment.state !== 'draft' && amendment.state !== 'tabled')
    throw invalid('state', `the amendment is ${amendment.state}; only a draft or a tabled amendment is withdrawn`);
  await store.change(ctx.user.id, async (trx, record) => {
    const row = await lockedRow(trx, amendment);
    const withdrawnAt = store.nowIso();
    await writeRow(trx, row, { state: 'withdrawn', data: { withdrawnAt } });
    await record({
      action: 'amendment.withdraw',
      entityId: amendmentId,
      negotiationId: ctx.negotiation.id,
      before: { state: amendment.state },
      after: { state: 'withdrawn', withdrawnAt },
    });
  });
  return (await getAmendment(store, ctx, amendmentId)).amendment;
}

/** The spans one amendment brought to a version: for provenance. */
export interface VersionAttribution {
  pointId: Id;
  field: 'title' | 'text';
  start: number;
  end: number;
  amendmentId: Id;
  partyId: Id;
}

/** The spans each amendment brought to a version (none for a version not made by consolidation). */
export async function versionAttributions(
  db: Executor,
  negotiationId: Id,
  versionId: Id,
): Promise<VersionAttribution[]> {
  const row = await db
    .selectFrom('version_attributions')
    .select('data')
    .where('negotiation_id', '=', negotiationId)
    .where('version_id', '=', versionId)
    .executeTakeFirst();
  return row ? (JSON.parse(row.data) as VersionAttribution[]) : [];
}

/** The spans each accepted amendment brought to the consolidated points, with the amendment's party. */
export function attributionsOf(
  made: ReturnType<typeof consolidate>,
  partyOf: ReadonlyMap<Id, Id>,
): VersionAttribution[] {
  const attributions: VersionAttribution[] = [];
  for (const field of made.edits.fields)
    for (const span of field.spans)
      if (span.newEnd > span.newStart)
        attributions.push({
          pointId: field.pointId,
          field: field.field,
          start: span.newStart,
          end: span.newEnd,
          amendmentId: span.amendmentId,
          partyId: partyOf.get(span.amendmentId)!,
        });
  for (const { pointId, amendmentId } of made.edits.added) {
    const point = made.points.find((p) => p.id === pointId)!;
    for (const field of ['title', 'text'] as const)
      if (point[field].length > 0)
        attributions.push({
          pointId,
          field,
          start: 0,
          end: point[field].length,
          amendmentId,
          partyId: partyOf.get(amendmentId)!,
        });
  }
  return attributions;
}

/**
 * The pen-holder consolidates: the next version (a child of this one, through the version-creation
 * path, so its limits, gate and audit hold) from every accepted amendment; the pending ones are
 * carried to it, re-anchored to the new text, or orphaned with the reason when their place is gone.
 * Conflicting accepted amendments are refused, naming both. Returns the new version.
 */
export async function consolidateAmendments(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
  input: { label: string; summary?: string },
): Promise<VersionView> {
  const view = await getVersion(store, ctx, versionId);
  requirePen(ctx, view, 'consolidate its amendments');
  requireAmendable(view);
  const stored: Version = (await textForDecision(store, ctx, versionId)).version;
  const rows = await store.db
    .selectFrom('amendments')
    .selectAll()
    .where('negotiation_id', '=', ctx.negotiation.id)
    .where('version_id', '=', versionId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const all = rows.map((row) => ({ row, ...fromRow(ctx, row) }));
  const accepted = all.filter((a) => a.state === 'accepted');
  const pending = all.filter((a) => PENDING.includes(a.state));
  if (accepted.length === 0)
    throw invalid(
      'versionId',
      `no amendment to version "${view.label || view.id}" is accepted; accept one before consolidating`,
    );
  const names = new Map(all.map((a) => [a.id, describeAmendment(ctx.parties, stored.points, a)]));
  let made: ReturnType<typeof consolidate>;
  try {
    made = consolidate(stored.points, accepted, { newPointId: () => store.id() });
  } catch (error) {
    // The core names amendments by id; a person reads them by party and point.
    if (error instanceof DomainError)
      throw new DomainError(
        error.kind,
        error.message.replace(/"([^"]+)"/g, (whole, id: string) => names.get(id) ?? whole),
        error.field,
      );
    throw error;
  }
  const { reanchored, orphaned } = reanchor(stored.points, made.points, made.edits, pending);
  const attributions = attributionsOf(made, new Map(all.map((a) => [a.id, a.partyId])));
  return createVersion(
    store,
    ctx,
    {
      parentId: versionId,
      kind: stored.kind,
      label: input.label,
      summary: input.summary ?? stored.summary,
      authorPartyId: stored.authorPartyId,
      points: made.points,
      optionChoices: stored.optionChoices,
      source: null,
    },
    {
      alsoInTransaction: async (trx, record, version) => {
        // Nothing decided or proposed meanwhile slips past: the amendments must be as they were read.
        const now = await trx
          .selectFrom('amendments')
          .select(['id', 'revision'])
          .where('negotiation_id', '=', ctx.negotiation.id)
          .where('version_id', '=', versionId)
          .execute();
        const then = new Map(rows.map((r) => [r.id, r.revision]));
        if (now.length !== rows.length || now.some((r) => then.get(r.id) !== r.revision))
          throw new DomainError(
            'conflict',
            `the amendments to version "${view.label || view.id}" changed while it was being consolidated; consolidate again`,
          );
        for (const a of accepted)
          await writeRow(trx, a.row, { state: 'consolidated', data: { consolidatedIn: version.id } });
        for (const a of reanchored)
          await writeRow(trx, a.row, {
            version_id: version.id,
            data: { change: a.change, carriedFrom: [...a.carriedFrom, versionId] },
          });
        for (const { amendment: a, reason } of orphaned)
          await writeRow(trx, a.row, {
            state: 'orphaned',
            data: { orphanedReason: reason, consolidatedIn: version.id },
          });
        await trx
          .insertInto('version_attributions')
          .values({ version_id: version.id, negotiation_id: ctx.negotiation.id, data: JSON.stringify(attributions) })
          .execute();
        await record({
          action: 'amendment.consolidate',
          entityId: version.id,
          negotiationId: ctx.negotiation.id,
          before: { versionId },
          after: {
            consolidated: accepted.map((a) => a.id),
            carried: reanchored.map((a) => a.id),
            orphaned: orphaned.map(({ amendment, reason }) => ({ id: amendment.id, reason })),
          },
        });
      },
    },
  );
}

/**
 * How many amendments one party may propose to one version: its share of the most a version takes,
 * among the parties at the table (public), so that the limit says nothing of other parties' amendments.
 *
 * @example amendmentShare(8) // 125
 */
export function amendmentShare(parties: number): number {
  return Math.max(1, Math.floor(TEXT_LIMITS.amendmentsPerVersion / Math.max(1, parties)));
}
