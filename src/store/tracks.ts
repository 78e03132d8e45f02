import { invalid, notFound } from '../core/errors.ts';
import type { Id, Track } from '../core/model.ts';
import { canSeeTrack } from '../core/visibility.ts';
import { requireMediator } from './guards.ts';
import type { NegotiationContext, Store } from './store.ts';
import { requireRulesCanFinish } from './rules.ts';
import { requireKnownPoints } from './texts.ts';
import { requireWordsMayGo } from './gate.ts';

/** Tracks: separate formats for some points among some parties. Each command checks the policy, writes the change and its audit event in one transaction. */

export async function listTracks(store: Store, ctx: NegotiationContext): Promise<Track[]> {
  return ctx.tracks.filter((track) => canSeeTrack(ctx.scope, track));
}

export async function createTrack(
  store: Store,
  ctx: NegotiationContext,
  input: Omit<Track, 'id' | 'negotiationId' | 'revision'>,
): Promise<Track> {
  requireMediator(ctx, 'open tracks');
  await requireKnownPoints(store, ctx, 'pointIds', input.pointIds);
  for (const partyId of input.partyIds)
    if (!ctx.parties.some((p) => p.id === partyId))
      throw invalid('partyIds', `"${partyId}" is not a party of this negotiation`);
  if (input.partyIds.length < 2) throw invalid('partyIds', 'a track is negotiated among at least two parties');
  await requireWordsMayGo(store, ctx, "the track's description", [input.name, input.description], input.partyIds);
  const track: Track = { ...input, id: store.id(), negotiationId: ctx.negotiation.id, revision: 1 };
  // A principal left outside the new track could no longer decide on the texts a rule asks them to.
  await requireRulesCanFinish(store, ctx, [...ctx.tracks, track]);
  return store.insert(ctx, 'tracks', 'track', track);
}

export async function updateTrack(
  store: Store,
  ctx: NegotiationContext,
  id: Id,
  revision: number,
  patch: Partial<Pick<Track, 'name' | 'description' | 'pointIds' | 'partyIds'>>,
): Promise<Track> {
  requireMediator(ctx, 'change tracks');
  if (patch.pointIds) await requireKnownPoints(store, ctx, 'pointIds', patch.pointIds);
  const current = ctx.tracks.find((t) => t.id === id);
  if (!current) throw notFound(`track "${id}"`);
  for (const partyId of patch.partyIds ?? [])
    if (!ctx.parties.some((p) => p.id === partyId))
      throw invalid('partyIds', `"${partyId}" is not a party of this negotiation`);
  if (patch.partyIds && patch.partyIds.length < 2)
    throw invalid('partyIds', 'a track is negotiated among at least two parties');
  const next = { ...current, ...patch };
  await requireWordsMayGo(store, ctx, "the track's description", [next.name, next.description], next.partyIds);
  if (patch.partyIds) await requireRulesCanFinish(store, ctx, [...ctx.tracks.filter((t) => t.id !== id), next]);
  return store.replace(ctx, 'tracks', 'track', current, revision, next);
}
