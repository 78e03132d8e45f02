import { invalid, notFound } from '../core/errors.ts';
import type { Id, Round, VersionView } from '../core/model.ts';
import { readEntities } from './collections.ts';
import { requireMediator } from './guards.ts';
import { hiddenPoints } from './issues.ts';
import type { NegotiationContext, Store } from './store.ts';
import { listVersions, requireKnownPoints } from './texts.ts';
import { everyParty, requireWordsMayGo } from './gate.ts';

/** Rounds of talks: who met, on what, with what outcome. Each command checks the policy, writes the change and its audit event in one transaction. */

/** Rounds are public at the table, but a version the reader has not received is not named to them. */
export async function listRounds(
  store: Store,
  ctx: NegotiationContext,
  visibleVersions?: VersionView[],
): Promise<Round[]> {
  const rounds = await readEntities(store, 'rounds', ctx.negotiation.id);
  const visible = new Set((visibleVersions ?? (await listVersions(store, ctx))).map((v) => v.id));
  const shown = (id: Id | null) => (id !== null && visible.has(id) ? id : null);
  const hidden = await hiddenPoints(store, ctx);
  return rounds
    .map((round) => ({
      ...round,
      versionId: shown(round.versionId),
      outcomeVersionId: shown(round.outcomeVersionId),
      agendaPointIds: round.agendaPointIds.filter((id) => !hidden.has(id)),
    }))
    .sort((a, b) => Date.parse(a.startsOn) - Date.parse(b.startsOn));
}

export async function createRound(
  store: Store,
  ctx: NegotiationContext,
  input: Omit<Round, 'id' | 'negotiationId' | 'revision'>,
): Promise<Round> {
  requireMediator(ctx, 'record rounds');
  await checkRoundReferences(store, ctx, input);
  return store.insert(ctx, 'rounds', 'round', {
    ...input,
    id: store.id(),
    negotiationId: ctx.negotiation.id,
    revision: 1,
  });
}

export async function updateRound(
  store: Store,
  ctx: NegotiationContext,
  id: Id,
  revision: number,
  patch: Partial<Omit<Round, 'id' | 'negotiationId' | 'revision'>>,
): Promise<Round> {
  requireMediator(ctx, 'record rounds');
  const current = (await readEntities(store, 'rounds', ctx.negotiation.id, { id }))[0];
  if (!current) throw notFound(`round "${id}"`);
  const next = { ...current, ...patch };
  await checkRoundReferences(store, ctx, next);
  return store.replace(ctx, 'rounds', 'round', current, revision, next);
}

async function checkRoundReferences(
  store: Store,
  ctx: NegotiationContext,
  round: Omit<Round, 'id' | 'negotiationId' | 'revision'>,
): Promise<void> {
  const versions = await listVersions(store, ctx);
  if (round.endsOn !== null && Date.parse(round.endsOn) < Date.parse(round.startsOn))
    throw invalid('endsOn', `the round ends (${round.endsOn}) before it starts (${round.startsOn}); check the dates`);
  await requireKnownPoints(store, ctx, 'agendaPointIds', round.agendaPointIds);
  for (const field of ['versionId', 'outcomeVersionId'] as const) {
    const id = round[field];
    if (id !== null && !versions.some((v) => v.id === id))
      throw invalid(field, `version "${id}" does not exist or you may not see it`);
  }
  const partyIds = [
    ...round.participants.map((p) => p.partyId),
    ...round.statements.flatMap((s) => s.signatoryPartyIds),
  ];
  for (const partyId of partyIds)
    if (!ctx.parties.some((p) => p.id === partyId))
      throw invalid('participants', `"${partyId}" is not a party of this negotiation`);
  // Rounds are public at the table: their outcome, statements, participants and sources are gated like any text.
  await requireWordsMayGo(
    store,
    ctx,
    "the round's outcome, statements, participants and sources",
    [
      round.title,
      round.outcome,
      round.place,
      round.source ?? '',
      ...round.participants.flatMap((p) => p.people),
      ...round.statements.flatMap((s) => [s.title, s.text, s.source ?? '']),
    ],
    everyParty(ctx),
  );
}

/** Cancels a round: it stays in the history, marked, and counts no more in progress. */
export async function cancelRound(store: Store, ctx: NegotiationContext, id: Id): Promise<Round> {
  requireMediator(ctx, 'cancel rounds');
  const current = (await readEntities(store, 'rounds', ctx.negotiation.id, { id }))[0];
  if (!current) throw notFound(`round "${id}"`);
  if (current.cancelledAt) return current;
  return store.replace(ctx, 'rounds', 'round', current, current.revision, { ...current, cancelledAt: store.nowIso() });
}
