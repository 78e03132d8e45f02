import { createHash } from 'node:crypto';
import { renumber } from '../core/document.ts';
import { DomainError, conflict, forbidden, invalid, notFound } from '../core/errors.ts';
import { COUNT_LIMITS } from '../core/limits.ts';
import type { Draft, Id, Point, VersionView } from '../core/model.ts';
import { canWriteDraft } from '../core/visibility.ts';
import type { Database } from './schema.ts';
import type { Executor, NegotiationContext, Store } from './store.ts';
import { partyName } from './names.ts';
import { getVersion } from './texts.ts';
import { createVersion } from './versions.ts';

/**
 * Drafts: a text written in place, saved as it is typed at a revision (a stale save is refused with
 * the current draft, so two editors never overwrite each other), and issued as a version through the
 * same path as any other (`createVersion`: its limits, gate and audit). Each command checks the
 * policy (`canWriteDraft`), writes the change and its audit event in one transaction.
 */

/** A draft as listed: everything but its points, with how many there are. */
export type DraftSummary = Omit<Draft, 'points' | 'optionChoices'> & { pointCount: number };

/** What a save may change. */
export interface DraftContent {
  label: string;
  summary: string;
  points: Point[];
  /** What the text settles on each issue (checked when it is issued); kept as it was when left out. */
  optionChoices?: Record<Id, Id>;
}

type DraftRow = Database['drafts'];

function fromRow(row: Pick<DraftRow, 'data' | 'revision' | 'issued_version_id' | 'updated_at'>): Draft {
  const draft = JSON.parse(row.data) as Draft;
  return { ...draft, revision: row.revision, issuedVersionId: row.issued_version_id, updatedAt: row.updated_at };
}

/** Who may write a draft, in words, for a refusal that names the party. */
function owners(ctx: NegotiationContext, partyId: Id | null): string {
  return partyId === null ? 'the mediators' : `the delegates of ${partyName(ctx.parties, partyId)}`;
}

/** The reader's draft, or 404 in the same words whether it does not exist or belongs to others. */
async function readDraft(db: Executor, ctx: NegotiationContext, draftId: Id): Promise<Draft> {
  const row = await db
    .selectFrom('drafts')
    .selectAll()
    .where('negotiation_id', '=', ctx.negotiation.id)
    .where('id', '=', draftId)
    .executeTakeFirst();
  if (!row || !canWriteDraft(ctx.scope, { partyId: row.party_id })) throw notFound(`draft "${draftId}"`);
  return fromRow(row);
}

/** A short fingerprint of a draft's content for the audit log (the words stay in the draft, not the log). */
function fingerprint(content: DraftContent): string {
  return createHash('sha256')
    .update(JSON.stringify([content.label, content.summary, content.points, content.optionChoices ?? {}]))
    .digest('hex');
}

/** Points as a draft keeps them: numbered 1..n in order, ids as they are. */
function ordered(points: Point[]): Point[] {
  return renumber(points);
}

/**
 * Opens a draft: from a version the reader sees (its points as the reader sees them, without the
 * origins they had in it), or empty. A party's draft is written by its delegates, the table's by the
 * mediators; each owner holds at most `COUNT_LIMITS.openDraftsPerOwner` drafts not yet issued.
 */
export async function createDraft(
  store: Store,
  ctx: NegotiationContext,
  input: { baseVersionId: Id | null; partyId: Id | null; label: string },
): Promise<Draft> {
  if (input.partyId !== null && !ctx.parties.some((p) => p.id === input.partyId))
    throw invalid('partyId', `"${input.partyId}" is not a party of this negotiation`);
  if (!canWriteDraft(ctx.scope, input))
    throw forbidden(
      input.partyId === null
        ? 'only a mediator drafts a text of the table; to draft for your party, give partyId'
        : `only the delegates of ${partyName(ctx.parties, input.partyId)} draft its texts`,
    );
  const base: VersionView | null =
    input.baseVersionId === null
      ? null
      : await getVersion(store, ctx, input.baseVersionId).catch(() => {
          throw invalid('baseVersionId', `version "${input.baseVersionId}" does not exist or you may not see it`);
        });
  const now = store.nowIso();
  const draft: Draft = {
    id: store.id(),
    negotiationId: ctx.negotiation.id,
    baseVersionId: base?.id ?? null,
    partyId: input.partyId,
    label: input.label,
    summary: base?.separateFormat ? '' : (base?.summary ?? ''),
    points: ordered((base?.points ?? []).map(({ derivedFrom: _origin, ...point }) => point)),
    optionChoices: base?.optionChoices ?? {},
    revision: 1,
    createdBy: ctx.user.id,
    createdAt: now,
    updatedAt: now,
    issuedVersionId: null,
  };
  await store.change(ctx.user.id, async (trx, record) => {
    let open = trx
      .selectFrom('drafts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('negotiation_id', '=', ctx.negotiation.id)
      .where('issued_version_id', 'is', null);
    open = input.partyId === null ? open.where('party_id', 'is', null) : open.where('party_id', '=', input.partyId);
    const { n } = await open.executeTakeFirstOrThrow();
    if (Number(n) >= COUNT_LIMITS.openDraftsPerOwner)
      throw invalid(
        'partyId',
        `${owners(ctx, input.partyId)} hold ${COUNT_LIMITS.openDraftsPerOwner} drafts not yet issued, the most allowed; issue or discard one first`,
      );
    await trx
      .insertInto('drafts')
      .values({
        id: draft.id,
        negotiation_id: draft.negotiationId,
        base_version_id: draft.baseVersionId,
        party_id: draft.partyId,
        revision: draft.revision,
        data: JSON.stringify(draft),
        created_by: draft.createdBy,
        created_at: draft.createdAt,
        updated_at: draft.updatedAt,
        issued_version_id: null,
      })
      .execute();
    await record({
      action: 'draft.create',
      entityId: draft.id,
      negotiationId: draft.negotiationId,
      before: null,
      after: { baseVersionId: draft.baseVersionId, partyId: draft.partyId, label: draft.label, revision: 1 },
    });
  });
  return draft;
}

/** The reader's drafts (their party's, and the table's for a mediator), newest first, without their points. */
export async function listDrafts(store: Store, ctx: NegotiationContext): Promise<DraftSummary[]> {
  const rows = await store.db
    .selectFrom('drafts')
    .selectAll()
    .where('negotiation_id', '=', ctx.negotiation.id)
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .execute();
  return rows
    .filter((row) => canWriteDraft(ctx.scope, { partyId: row.party_id }))
    .map((row) => {
      const { points, optionChoices: _choices, ...rest } = fromRow(row);
      return { ...rest, pointCount: points.length };
    });
}

export async function getDraft(store: Store, ctx: NegotiationContext, draftId: Id): Promise<Draft> {
  return readDraft(store.db, ctx, draftId);
}

/**
 * Saves a draft at the revision the editor last read. A stale revision is refused with 409 and the
 * draft as it now stands (the editor shows both and saves the merge at the new revision); an issued
 * draft is read-only.
 */
export async function saveDraft(
  store: Store,
  ctx: NegotiationContext,
  draftId: Id,
  revision: number,
  content: DraftContent,
): Promise<Draft> {
  return store.change(ctx.user.id, async (trx, record) => {
    const current = await readDraft(trx, ctx, draftId);
    if (current.issuedVersionId !== null)
      throw invalid(
        'revision',
        `draft "${current.label}" was issued as a version; open a new draft from that version to change it`,
      );
    if (current.revision !== revision) throw conflict(`draft "${current.label}"`, revision, current);
    const next: Draft = {
      ...current,
      label: content.label,
      summary: content.summary,
      points: ordered(content.points),
      optionChoices: content.optionChoices ?? current.optionChoices,
      revision: current.revision + 1,
      updatedAt: store.nowIso(),
    };
    await trx
      .updateTable('drafts')
      .set({ revision: next.revision, data: JSON.stringify(next), updated_at: next.updatedAt })
      .where('id', '=', draftId)
      .where('revision', '=', revision)
      .execute();
    await record({
      action: 'draft.save',
      entityId: draftId,
      negotiationId: ctx.negotiation.id,
      before: { revision: current.revision },
      after: { revision: next.revision, points: next.points.length, fingerprint: fingerprint(next) },
    });
    return next;
  });
}

/**
 * Issues a draft as a version, a child of its base, through `createVersion` (its checks of the text,
 * its limits, gate and audit): a party's draft becomes the party's internal text, the table's a text
 * of the table. The version's id follows from the draft's, so a draft is issued once however many
 * ask at the same time. The draft is kept, read-only, naming the version.
 */
export async function issueDraft(store: Store, ctx: NegotiationContext, draftId: Id): Promise<VersionView> {
  const draft = await readDraft(store.db, ctx, draftId);
  if (draft.issuedVersionId !== null)
    throw invalid('draftId', `draft "${draft.label}" was already issued; open a new draft from its version`);
  if (draft.points.length === 0) throw invalid('points', `draft "${draft.label}" has no point yet; write one first`);
  const versionId = `${draft.id}.v`;
  const version = await createVersion(store, ctx, {
    id: versionId,
    parentId: draft.baseVersionId,
    kind: 'draft',
    label: draft.label,
    summary: draft.summary,
    authorPartyId: draft.partyId,
    points: draft.points,
    optionChoices: draft.optionChoices,
    source: null,
  }).catch((error: unknown) => {
    // The text's own problems name the draft's points; another issue that came first, the version.
    if (error instanceof DomainError && error.kind === 'conflict')
      throw invalid('draftId', `draft "${draft.label}" was already issued; open a new draft from its version`);
    throw error;
  });
  await store.change(ctx.user.id, async (trx, record) => {
    await trx
      .updateTable('drafts')
      .set({ issued_version_id: version.id, updated_at: store.nowIso() })
      .where('id', '=', draftId)
      .execute();
    await record({
      action: 'draft.issue',
      entityId: draftId,
      negotiationId: ctx.negotiation.id,
      before: { revision: draft.revision },
      after: { versionId: version.id, fingerprint: fingerprint(draft) },
    });
  });
  return version;
}

/** Discards a draft: its words are gone, the audit keeps that it was discarded, and by whom. */
export async function discardDraft(store: Store, ctx: NegotiationContext, draftId: Id): Promise<void> {
  await store.change(ctx.user.id, async (trx, record) => {
    const draft = await readDraft(trx, ctx, draftId);
    await trx.deleteFrom('drafts').where('id', '=', draftId).execute();
    await record({
      action: 'draft.discard',
      entityId: draftId,
      negotiationId: ctx.negotiation.id,
      before: { revision: draft.revision, label: draft.label },
      after: null,
    });
  });
}
