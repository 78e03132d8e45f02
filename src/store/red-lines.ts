import { invalid, notFound } from '../core/errors.ts';
import { COUNT_LIMITS } from '../core/limits.ts';
import type { Id, Issue, RedLine } from '../core/model.ts';
import {
  type OptionLabels,
  type RedLineReport,
  checkRedLines,
  constraintProblems,
  optionLabels,
} from '../core/redlines.ts';
import { ownedVisibilityRule } from '../core/visibility.ts';
import { readEntities } from './collections.ts';
import { requireParty, requireSender } from './guards.ts';
import { listIssues } from './issues.ts';
import type { NegotiationContext, Store } from './store.ts';
import { getVersion } from './texts.ts';
import { coalitionMembers, everyParty, requireWordsMayGo } from './gate.ts';

/** Parties' red lines, and the report of those a version crosses. Each command checks the policy, writes the change and its audit event in one transaction. */

export async function listRedLines(store: Store, ctx: NegotiationContext): Promise<RedLine[]> {
  return readEntities(store, 'redLines', ctx.negotiation.id, { owned: ownedVisibilityRule(ctx.scope) });
}

export async function createRedLine(
  store: Store,
  ctx: NegotiationContext,
  input: Omit<RedLine, 'id' | 'negotiationId' | 'revision'>,
): Promise<RedLine> {
  requireParty(ctx, input.partyId, 'state red lines for');
  requireSender(ctx, input.partyId, input.visibility, 'a red line');
  const problem = constraintProblems(input.constraint, await listIssues(store, ctx))[0];
  if (problem) throw invalid('constraint', problem);
  const held = await readEntities(store, 'redLines', ctx.negotiation.id, { partyId: input.partyId });
  if (held.length >= COUNT_LIMITS.redLinesPerParty)
    throw invalid(
      'partyId',
      `a party holds at most ${COUNT_LIMITS.redLinesPerParty} red lines; change one of its red lines instead`,
    );
  // Public: every party reads it; a coalition's own red line: its member parties do.
  await requireWordsMayGo(
    store,
    ctx,
    "the red line's wording",
    [input.title, input.description, input.source ?? ''],
    input.visibility === 'public' ? everyParty(ctx) : coalitionMembers(ctx, input.partyId),
  );
  const redLine: RedLine = { ...input, id: store.id(), negotiationId: ctx.negotiation.id, revision: 1 };
  return store.insert(ctx, 'redLines', 'red_line', redLine);
}

export async function updateRedLine(
  store: Store,
  ctx: NegotiationContext,
  id: Id,
  revision: number,
  patch: Partial<Pick<RedLine, 'title' | 'description' | 'constraint' | 'visibility' | 'source'>>,
): Promise<RedLine> {
  const current = (await listRedLines(store, ctx)).find((r) => r.id === id);
  if (!current) throw notFound(`red line "${id}"`);
  requireParty(ctx, current.partyId, 'change red lines of');
  requireSender(ctx, current.partyId, patch.visibility ?? current.visibility, 'a red line');
  if (patch.constraint) {
    const problem = constraintProblems(patch.constraint, await listIssues(store, ctx))[0];
    if (problem) throw invalid('constraint', problem);
  }
  const next = { ...current, ...patch };
  // Public: every party reads it; a coalition's own red line: its member parties do.
  await requireWordsMayGo(
    store,
    ctx,
    "the red line's wording",
    [next.title, next.description, next.source ?? ''],
    next.visibility === 'public' ? everyParty(ctx) : coalitionMembers(ctx, next.partyId),
  );
  return store.replace(ctx, 'redLines', 'red_line', current, revision, next);
}

/** The options' labels compiled for the wording check, kept as long as the store keeps the issues they came from. */
const compiledLabels = new WeakMap<readonly Issue[], OptionLabels>();

/** Which of the red lines the reader may see a version crosses. */
export async function redLineReport(store: Store, ctx: NegotiationContext, versionId: Id): Promise<RedLineReport> {
  const version = await getVersion(store, ctx, versionId);
  // Labels are the same for every reader (a track hides an issue's points, not its options).
  const stored = await readEntities(store, 'issues', ctx.negotiation.id);
  let labels = compiledLabels.get(stored);
  if (!labels) compiledLabels.set(stored, (labels = optionLabels(stored)));
  return checkRedLines(version, await listRedLines(store, ctx), await listIssues(store, ctx), ctx.parties, labels);
}
