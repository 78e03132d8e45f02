import { invalid, notFound } from '../core/errors.ts';
import type { Id, PublicStatement } from '../core/model.ts';
import { readEntities } from './collections.ts';
import { requireMediator } from './guards.ts';
import { hiddenPoints } from './issues.ts';
import type { NegotiationContext, Store } from './store.ts';
import { requireKnownPoints } from './texts.ts';
import { everyParty, requireWordsMayGo } from './gate.ts';

/** Public statements of stakeholders. Each command checks the policy, writes the change and its audit event in one transaction. */

export async function listStatements(store: Store, ctx: NegotiationContext): Promise<PublicStatement[]> {
  const statements = (await readEntities(store, 'statements', ctx.negotiation.id)) as (PublicStatement & {
    revision?: number;
  })[];
  const hidden = await hiddenPoints(store, ctx);
  return statements
    .map(({ revision: _revision, ...s }) => ({ ...s, pointIds: s.pointIds.filter((id) => !hidden.has(id)) }))
    .sort((a, b) => Date.parse(a.date) - Date.parse(b.date) || a.id.localeCompare(b.id));
}

export async function createStatement(
  store: Store,
  ctx: NegotiationContext,
  input: Omit<PublicStatement, 'id' | 'negotiationId'>,
): Promise<PublicStatement> {
  requireMediator(ctx, 'record public statements');
  await requireKnownPoints(store, ctx, 'pointIds', input.pointIds);
  if (input.partyId !== null && !ctx.parties.some((p) => p.id === input.partyId))
    throw invalid('partyId', `"${input.partyId}" is not a party of this negotiation`);
  await requireWordsMayGo(
    store,
    ctx,
    "the statement's quote",
    [input.quote, input.speaker, input.affiliation, input.source],
    everyParty(ctx),
  );
  // Statements are records of what was said: they carry no revision of their own.
  const statement: PublicStatement = { ...input, id: store.id(), negotiationId: ctx.negotiation.id };
  await store.insert(ctx, 'statements', 'statement', { ...statement, revision: 1 } as PublicStatement);
  return statement;
}

/** Retracts a statement (recorded in error, or withdrawn by its speaker): it stays, marked. */
export async function retractStatement(store: Store, ctx: NegotiationContext, id: Id): Promise<PublicStatement> {
  requireMediator(ctx, 'retract public statements');
  const current = (await readEntities(store, 'statements', ctx.negotiation.id, { id }))[0] as
    (PublicStatement & { revision: number }) | undefined;
  if (!current) throw notFound(`statement "${id}"`);
  if (!current.retractedAt)
    await store.replace(ctx, 'statements', 'statement', current, current.revision, {
      ...current,
      retractedAt: store.nowIso(),
    });
  const listed = (await listStatements(store, ctx)).find((s) => s.id === id);
  if (!listed) throw notFound(`statement "${id}"`);
  return listed;
}
