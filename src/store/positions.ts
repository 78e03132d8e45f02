import { conflict, DomainError, invalid, notFound } from '../core/errors.ts';
import type { Id, Position, VersionView } from '../core/model.ts';
import { ownedVisibilityRule } from '../core/visibility.ts';
import { insertEntity, listEntities } from './collections.ts';
import { requireParty, requireSender } from './guards.ts';
import type { NegotiationContext, Store } from './store.ts';
import { getVersion, listVersions } from './versions.ts';

/** Parties' positions on the points of a version. Each command checks the policy, writes the change and its audit event in one transaction. */

/** Positions the reader may see: their own party's, the ones shared with them, and public ones, on points they may see. */
export async function listPositions(
  store: Store,
  ctx: NegotiationContext,
  filter: { versionId?: Id } = {},
  visibleVersions?: VersionView[],
): Promise<Position[]> {
  const versions = visibleVersions ?? (await listVersions(store, ctx));
  const positions = await listEntities(store.db, 'positions', ctx.negotiation.id, {
    owned: ownedVisibilityRule(ctx.scope),
    versionId: filter.versionId,
  });
  return positions.filter((position) => {
    const version = versions.find((v) => v.id === position.versionId);
    return version !== undefined && version.points.some((point) => point.id === position.pointId);
  });
}

export async function createPosition(
  store: Store,
  ctx: NegotiationContext,
  input: Omit<Position, 'id' | 'negotiationId' | 'revision' | 'updatedAt' | 'updatedBy'>,
): Promise<Position> {
  requireParty(ctx, input.partyId, 'take positions for');
  requireSender(ctx, input.partyId, input.visibility, 'a position');
  await requireVisiblePoint(store, ctx, input.versionId, input.pointId);
  checkStance(input);
  const existing = await listEntities(store.db, 'positions', ctx.negotiation.id, {
    versionId: input.versionId,
    partyId: input.partyId,
  });
  const same = existing.find((p) => p.pointId === input.pointId);
  if (same) throw conflict(`the position of "${input.partyId}" on point "${input.pointId}"`, 0, same);
  const position: Position = {
    ...input,
    id: store.id(),
    negotiationId: ctx.negotiation.id,
    revision: 1,
    updatedAt: store.nowIso(),
    updatedBy: ctx.user.id,
  };
  return store.insert(ctx, 'positions', 'position', position);
}

export async function updatePosition(
  store: Store,
  ctx: NegotiationContext,
  positionId: Id,
  revision: number,
  patch: Partial<Pick<Position, 'stance' | 'proposedText' | 'rationale' | 'visibility' | 'source'>>,
): Promise<Position> {
  const current = (await listPositions(store, ctx)).find((p) => p.id === positionId);
  if (!current) throw notFound(`position "${positionId}"`);
  requireParty(ctx, current.partyId, 'change positions of');
  requireSender(ctx, current.partyId, patch.visibility ?? current.visibility, 'a position');
  const next = { ...current, ...patch, updatedAt: store.nowIso(), updatedBy: ctx.user.id };
  checkStance(next);
  return store.replace(ctx, 'positions', 'position', current, revision, next);
}

async function requireVisiblePoint(store: Store, ctx: NegotiationContext, versionId: Id, pointId: Id): Promise<void> {
  const version = await getVersion(store, ctx, versionId).catch(() => {
    throw invalid('versionId', `version "${versionId}" does not exist or you may not see it`);
  });
  if (!version.points.some((p) => p.id === pointId))
    throw invalid('pointId', `version "${versionId}" has no point "${pointId}" you may see`);
}

function checkStance(position: Pick<Position, 'stance' | 'proposedText'>): void {
  if (position.stance === 'amend' && !position.proposedText?.trim())
    throw invalid('proposedText', 'an amendment needs the wording the party proposes (proposedText)');
}

/**
 * Records many positions in one request and one transaction: all are checked first, and either all
 * are stored, each with its audit event, or none (the first problem names the item at fault).
 */
export async function createPositions(
  store: Store,
  ctx: NegotiationContext,
  inputs: Omit<Position, 'id' | 'negotiationId' | 'revision' | 'updatedAt' | 'updatedBy'>[],
): Promise<Position[]> {
  const seen = new Set<string>();
  const positions: Position[] = [];
  for (const [index, input] of inputs.entries()) {
    const key = `${input.versionId} ${input.pointId} ${input.partyId}`;
    if (seen.has(key))
      throw invalid(`positions[${index}]`, `the same party's position on point "${input.pointId}" appears twice`);
    seen.add(key);
    requireParty(ctx, input.partyId, 'take positions for');
    requireSender(ctx, input.partyId, input.visibility, 'a position');
    await requireVisiblePoint(store, ctx, input.versionId, input.pointId).catch((error) => {
      throw error instanceof DomainError && error.field
        ? invalid(`positions[${index}].${error.field}`, error.message)
        : error;
    });
    checkStance(input);
    positions.push({
      ...input,
      id: store.id(),
      negotiationId: ctx.negotiation.id,
      revision: 1,
      updatedAt: store.nowIso(),
      updatedBy: ctx.user.id,
    });
  }
  return store.change(ctx.user.id, async (trx, record) => {
    for (const position of positions) {
      const same = (
        await listEntities(trx, 'positions', ctx.negotiation.id, {
          versionId: position.versionId,
          partyId: position.partyId,
        })
      ).find((p) => p.pointId === position.pointId);
      if (same) throw conflict(`the position of "${position.partyId}" on point "${position.pointId}"`, 0, same);
      await insertEntity(trx, 'positions', position);
      await record({
        action: 'position.create',
        entity: 'position',
        entityId: position.id,
        negotiationId: ctx.negotiation.id,
        before: null,
        after: position,
      });
    }
    return positions;
  });
}
