import { conflict, invalid } from '../core/errors.ts';
import type { Id, Membership, Negotiation, User } from '../core/model.ts';
import { requireUnlocked } from './agreement.ts';
import { everyParty, requireWordsMayGo } from './gate.ts';
import { requireMediator } from './guards.ts';
import type { Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { NegotiationContext, Recorder, Store } from './store.ts';
import { listVersions } from './texts.ts';

/** Negotiations: listing, opening (the opener convenes it) and changing them. Each command checks the policy, writes the change and its audit event in one transaction. */

/** The negotiations a person takes part in (an administrator too: the installation is not its secrets). */
export async function listNegotiations(store: Store, user: User): Promise<Negotiation[]> {
  const rows = await store.db
    .selectFrom('negotiations')
    .select(['id'])
    .where('id', 'in', store.db.selectFrom('memberships').select('negotiation_id').where('user_id', '=', user.id))
    .orderBy('created_at')
    .execute();
  const negotiations: Negotiation[] = [];
  for (const row of rows) negotiations.push(await negotiationFor(store, await store.context(user, row.id)));
  return negotiations;
}

/**
 * The negotiation as one reader sees it: its current version is the one everyone works from only
 * where the reader has received it; otherwise the newest main-line text the reader has, or none. No
 * reader learns the id of a draft that has not reached them.
 */
export async function negotiationFor(store: Store, ctx: NegotiationContext): Promise<Negotiation> {
  const current = ctx.negotiation.currentVersionId;
  if (current === null) return ctx.negotiation;
  const visible = await listVersions(store, ctx);
  if (visible.some((v) => v.id === current)) return ctx.negotiation;
  const fallback = [...visible].reverse().find((v) => v.kind === 'draft' && !v.internal && !v.withdrawnAt);
  return { ...ctx.negotiation, currentVersionId: fallback?.id ?? null };
}

/** Opens a negotiation; any signed-in account may, and becomes its convenor (a mediator of it). */
export async function createNegotiation(
  store: Store,
  user: User,
  input: { title: string; summary: string; id?: Id },
  /** The `parley` command runs as the operator of the database, who may name a negotiation. */
  options: { operator?: boolean } = {},
): Promise<Negotiation> {
  // A negotiation's id is the one name unique across the installation: were anyone to choose it, a
  // refusal would tell them that a negotiation of that name exists. The operator may; others get one.
  if (input.id !== undefined && !user.isAdmin && !options.operator)
    throw invalid(
      'id',
      "only an administrator chooses a negotiation's id: leave it out and Parley gives the negotiation one",
    );
  const negotiation: Negotiation = {
    id: input.id ?? store.id(),
    title: input.title,
    summary: input.summary,
    currentVersionId: null,
    createdAt: store.nowIso(),
    revision: 1,
  };
  const convenor: Membership = {
    id: store.id(),
    negotiationId: negotiation.id,
    userId: user.id,
    partyId: null,
    role: 'mediator',
    title: 'Convenor',
  };
  return store.change(user.id, async (trx, record) => {
    await insertNegotiation(trx, record, negotiation, convenor);
    return negotiation;
  });
}

/** Writes a new negotiation and its convenor's seat, with their audit events, in the caller's transaction. */
export async function insertNegotiation(
  trx: Transaction<Database>,
  record: Recorder,
  negotiation: Negotiation,
  convenor: Membership,
): Promise<void> {
  const { revision, ...data } = negotiation;
  await trx
    .insertInto('negotiations')
    .values({ id: negotiation.id, revision, data: JSON.stringify(data), created_at: negotiation.createdAt })
    .execute();
  await record({
    action: 'negotiation.create',
    entityId: negotiation.id,
    negotiationId: negotiation.id,
    before: null,
    after: negotiation,
  });
  await trx
    .insertInto('memberships')
    .values({
      id: convenor.id,
      negotiation_id: negotiation.id,
      user_id: convenor.userId,
      party_id: null,
      role: convenor.role,
      title: convenor.title,
    })
    .execute();
  await record({
    action: 'membership.create',
    entityId: convenor.id,
    negotiationId: negotiation.id,
    before: null,
    after: convenor,
  });
}

/** Changes a negotiation's title, summary or current version; mediators and administrators only. */
export async function updateNegotiation(
  store: Store,
  ctx: NegotiationContext,
  revision: number,
  patch: Partial<Pick<Negotiation, 'title' | 'summary' | 'currentVersionId'>>,
): Promise<Negotiation> {
  requireMediator(ctx, 'change the negotiation');
  // The text under negotiation stays while the agreement on it is complete.
  if (patch.currentVersionId && patch.currentVersionId !== ctx.negotiation.currentVersionId) requireUnlocked(ctx);
  // Every party reads the negotiation's title and summary.
  await requireWordsMayGo(
    store,
    ctx,
    "the negotiation's title and summary",
    [patch.title ?? '', patch.summary ?? ''],
    everyParty(ctx),
  );
  if (patch.currentVersionId) {
    const versions = await listVersions(store, ctx);
    const target = versions.find((v) => v.id === patch.currentVersionId && !v.withdrawnAt);
    if (!target || target.internal)
      throw invalid(
        'currentVersionId',
        `version "${patch.currentVersionId}" is not a shared version of this negotiation`,
      );
  }
  return store.change(ctx.user.id, async (trx, record) =>
    writeNegotiation(trx, record, ctx.negotiation.id, revision, 'negotiation.update', () => patch),
  );
}

/**
 * Changes the negotiation's row in a write's transaction, at `revision` (a conflict when another
 * change came first), and records it as `action` with the negotiation before and after. `change` reads
 * the negotiation as it stands and answers the fields that change (or refuses).
 */
export async function writeNegotiation(
  trx: Transaction<Database>,
  record: Recorder,
  negotiationId: Id,
  revision: number,
  action: 'negotiation.update' | 'negotiation.languages',
  change: (before: Negotiation) => Partial<Negotiation> | Promise<Partial<Negotiation>>,
): Promise<Negotiation> {
  const row = await trx
    .selectFrom('negotiations')
    .select(['revision', 'data'])
    .where('id', '=', negotiationId)
    .executeTakeFirstOrThrow();
  const before = { ...JSON.parse(row.data), revision: row.revision } as Negotiation;
  if (before.revision !== revision) throw conflict(`negotiation "${before.id}"`, revision, before);
  const after: Negotiation = { ...before, ...(await change(before)), revision: before.revision + 1 };
  const { revision: next, ...data } = after;
  await trx
    .updateTable('negotiations')
    .set({ revision: next, data: JSON.stringify(data) })
    .where('id', '=', after.id)
    .execute();
  await record({ action, entityId: after.id, negotiationId: after.id, before, after });
  return after;
}
