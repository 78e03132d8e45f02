import { conflict, invalid, notFound } from '../core/errors.ts';
import { optionLabels } from '../core/transmission.ts';
import { COUNT_LIMITS } from '../core/limits.ts';
import type { Id, Issue } from '../core/model.ts';
import { canSeeTrack, hiddenPointIds } from '../core/visibility.ts';
import { listEntities, readEntities, replaceEntity } from './collections.ts';
import { rehashTexts, requireKnownPoints, textRecords } from './texts.ts';
import { requireMediator } from './guards.ts';
import type { NegotiationContext, Store } from './store.ts';
import { everyParty, requireWordsMayGo } from './gate.ts';

/** Issues and their options: the negotiable dimensions behind the points. Each command checks the policy, writes the change and its audit event in one transaction. */

/** The issues, with the points behind them that the reader may see named. */
export async function listIssues(store: Store, ctx: NegotiationContext): Promise<Issue[]> {
  const hidden = await hiddenPoints(store, ctx);
  return (await readEntities(store, 'issues', ctx.negotiation.id)).map((issue) => ({
    ...issue,
    pointIds: issue.pointIds.filter((id) => !hidden.has(id)),
  }));
}

/** Point ids this reader may not see named anywhere: those of tracks they are outside of. */
export async function hiddenPoints(store: Store, ctx: NegotiationContext): Promise<Set<Id>> {
  if (ctx.tracks.every((track) => canSeeTrack(ctx.scope, track))) return new Set();
  return hiddenPointIds(
    ctx.scope,
    ctx.tracks,
    (await textRecords(store, ctx)).map((r) => r.version),
  );
}

export async function createIssue(
  store: Store,
  ctx: NegotiationContext,
  input: Omit<Issue, 'id' | 'negotiationId' | 'revision'> & { id?: Id },
): Promise<Issue> {
  requireMediator(ctx, 'define issues');
  if (input.options.length < 2) throw invalid('options', 'an issue needs at least two options');
  if (new Set(input.options.map((o) => o.id)).size !== input.options.length)
    throw invalid('options', 'option ids must be unique within the issue');
  await requireKnownPoints(store, ctx, 'pointIds', input.pointIds);
  if ((await readEntities(store, 'issues', ctx.negotiation.id)).length >= COUNT_LIMITS.issuesPerNegotiation)
    throw invalid(
      'id',
      `a negotiation holds at most ${COUNT_LIMITS.issuesPerNegotiation} issues; add options to an existing issue instead`,
    );
  await requireWordsMayGo(store, ctx, "the issue's wording", issueWords(input), everyParty(ctx));
  const issue: Issue = { ...input, id: input.id ?? store.id(), negotiationId: ctx.negotiation.id, revision: 1 };
  return store.insert(ctx, 'issues', 'issue', issue);
}

/**
 * Renames or re-describes an issue, links it to other points, relabels or adds options. Options are
 * never removed: versions, red lines and preferences refer to them.
 */
export async function updateIssue(
  store: Store,
  ctx: NegotiationContext,
  id: Id,
  revision: number,
  patch: Partial<Pick<Issue, 'name' | 'description' | 'pointIds' | 'options'>>,
): Promise<Issue> {
  requireMediator(ctx, 'define issues');
  const current = (await readEntities(store, 'issues', ctx.negotiation.id, { id }))[0];
  if (!current) throw notFound(`issue "${id}"`);
  if (patch.options) {
    const kept = new Set(patch.options.map((o) => o.id));
    const dropped = current.options.filter((o) => !kept.has(o.id));
    if (dropped.length > 0)
      throw invalid(
        'options',
        `options cannot be removed (drafts, red lines and preferences refer to them): keep ${dropped.map((o) => `"${o.id}"`).join(', ')}`,
      );
    if (kept.size !== patch.options.length) throw invalid('options', 'option ids must be unique within the issue');
  }
  if (patch.pointIds) await requireKnownPoints(store, ctx, 'pointIds', patch.pointIds);
  // Retirement is kept: a relabelled option stays retired (it is undone by no edit).
  const options = patch.options?.map((o) => ({
    ...o,
    retiredAt: current.options.find((c) => c.id === o.id)?.retiredAt ?? null,
  }));
  const next: Issue = { ...current, ...patch, ...(options ? { options } : {}) };
  await requireWordsMayGo(store, ctx, "the issue's wording", issueWords(next), everyParty(ctx));
  const relabelled = (options ?? []).some((o) => current.options.find((c) => c.id === o.id)?.label !== o.label);
  if (!relabelled) return store.replace(ctx, 'issues', 'issue', current, revision, next);
  // An option's label is part of the meaning of every text that chooses it: those texts get a new
  // content hash in the same transaction, and the approvals given on the old meaning no longer hold.
  if (current.revision !== revision) throw conflict(`issue "${current.name}"`, revision, current);
  const after = { ...next, revision: current.revision + 1 };
  return store.change(ctx.user.id, async (trx, record) => {
    if (!(await replaceEntity(trx, 'issues', after, current.revision)))
      throw conflict(`issue "${current.name}"`, revision, current);
    const issues = (await listEntities(trx, 'issues', ctx.negotiation.id)).map((i) => (i.id === id ? after : i));
    const rehashed = await rehashTexts(trx, ctx.negotiation.id, optionLabels(issues));
    await record({
      action: 'issue.update',
      entityId: id,
      negotiationId: ctx.negotiation.id,
      before: current,
      after: { ...after, rehashedVersions: rehashed },
    });
    return after;
  });
}

/** The words of an issue that every party reads. */
function issueWords(issue: Pick<Issue, 'name' | 'description' | 'options'>): string[] {
  return [issue.name, issue.description, ...issue.options.flatMap((o) => [o.label, o.description])];
}

/** Retires an option: drafts that chose it keep it, new drafts may not choose it, analyses leave it out. */
export async function retireOption(store: Store, ctx: NegotiationContext, issueId: Id, optionId: Id): Promise<Issue> {
  requireMediator(ctx, 'retire options');
  const current = (await readEntities(store, 'issues', ctx.negotiation.id, { id: issueId }))[0];
  if (!current) throw notFound(`issue "${issueId}"`);
  const option = current.options.find((o) => o.id === optionId);
  if (!option) throw notFound(`option "${optionId}" of issue "${current.name}"`);
  if (!option.retiredAt && current.options.filter((o) => !o.retiredAt).length <= 2)
    throw invalid('optionId', `"${current.name}" would keep fewer than two options; add one before retiring this`);
  if (option.retiredAt) return current;
  const options = current.options.map((o) => (o.id === optionId ? { ...o, retiredAt: store.nowIso() } : o));
  return store.replace(ctx, 'issues', 'issue', current, current.revision, { ...current, options });
}
