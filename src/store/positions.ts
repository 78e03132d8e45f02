import type { Transaction } from 'kysely';
import { conflict, DomainError, invalid, notFound } from '../core/errors.ts';
import type { Id, Issue, Point, Position, Version, VersionView } from '../core/model.ts';
import { languageHash } from '../core/transmission.ts';
import { ownedVisibilityRule } from '../core/visibility.ts';
import { insertEntity, listEntities, readEntities, replaceEntity } from './collections.ts';
import { requireParty, requireSender } from './guards.ts';
import { listIssues } from './issues.ts';
import type { Database } from './schema.ts';
import { coalitionMembers, everyParty, requireWordsMayGo } from './gate.ts';
import type { NegotiationContext, Recorder, Store } from './store.ts';
import { getVersion, listVersions, READER_VIEW_TABLES, requireStanding } from './texts.ts';

/** Parties' positions on the points of a version. Each command checks the policy, writes the change and its audit event in one transaction. */

/** What a party says when it takes a position; the store adds the rest. */
export type PositionInput = Pick<
  Position,
  'versionId' | 'pointId' | 'partyId' | 'stance' | 'proposedText' | 'rationale' | 'visibility' | 'source'
> &
  Partial<Pick<Position, 'supportsOption' | 'supportsAlternative'>>;

type PositionPatch = Partial<
  Pick<
    Position,
    'stance' | 'proposedText' | 'rationale' | 'visibility' | 'source' | 'supportsOption' | 'supportsAlternative'
  >
>;

/**
 * Positions the reader may see: their own party's, the ones shared with them, and public ones, on
 * points they may see. A carried position keeps the audience it was taken for: it is shown only to a
 * reader who may also see its point in the version where the party took it.
 */
export async function listPositions(
  store: Store,
  ctx: NegotiationContext,
  filter: { versionId?: Id } = {},
  visibleVersions?: VersionView[],
): Promise<Position[]> {
  if (visibleVersions) return visiblePositions(store, ctx, filter, visibleVersions);
  return store.reads.get(
    `positions ${ctx.negotiation.id} ${ctx.user.id} ${ctx.scope.isOperator} ${filter.versionId ?? ''}`,
    [...READER_VIEW_TABLES, 'positions'],
    async () => visiblePositions(store, ctx, filter, await listVersions(store, ctx)),
  );
}

/** One position, when the reader may see it: by the same rule as the listing, without reading them all. */
async function visiblePosition(store: Store, ctx: NegotiationContext, positionId: Id): Promise<Position | null> {
  const [found] = await listEntities(store.db, 'positions', ctx.negotiation.id, {
    owned: ownedVisibilityRule(ctx.scope),
    id: positionId,
  });
  if (!found) return null;
  const [visible] = await visiblePositions(store, ctx, {}, await listVersions(store, ctx), [found]);
  return visible ?? null;
}

async function visiblePositions(
  store: Store,
  ctx: NegotiationContext,
  filter: { versionId?: Id },
  versions: VersionView[],
  rows?: Position[],
): Promise<Position[]> {
  const visiblePoints = new Map(versions.map((v) => [v.id, new Set(v.points.map((point) => point.id))]));
  const positions =
    rows ??
    (await readEntities(store, 'positions', ctx.negotiation.id, {
      owned: ownedVisibilityRule(ctx.scope),
      versionId: filter.versionId,
    }));
  return positions.map(withDefaults).filter((position) => {
    if (!visiblePoints.get(position.versionId)?.has(position.pointId)) return false;
    const origin = position.carriedFromVersionId;
    return origin === null || visiblePoints.get(origin)?.has(position.pointId) === true;
  });
}

/** Positions stored before positions could name what they support, or be carried, read as such. */
function withDefaults(position: Position): Position {
  // Positions stored since have every field: no copy of thousands of them on each read.
  if (DEFAULTED.every((key) => Object.hasOwn(position, key))) return position;
  const stored: Partial<Position> = position;
  return { ...POSITION_DEFAULTS, ...stored } as Position;
}

const POSITION_DEFAULTS = {
  supportsOption: null,
  supportsAlternative: null,
  carriedFromVersionId: null,
  stale: false,
} as const satisfies Partial<Position>;
const DEFAULTED = Object.keys(POSITION_DEFAULTS);

export async function createPosition(store: Store, ctx: NegotiationContext, input: PositionInput): Promise<Position> {
  const [position] = await createPositions(store, ctx, [input], '');
  return position!;
}

export async function updatePosition(
  store: Store,
  ctx: NegotiationContext,
  positionId: Id,
  revision: number,
  patch: PositionPatch,
): Promise<Position> {
  const current = await visiblePosition(store, ctx, positionId);
  if (!current) throw notFound(`position "${positionId}"`);
  // A position on a withdrawn text stays as it was, whoever asks.
  const point = await requireVisiblePoint(store, ctx, current.versionId, current.pointId);
  requireParty(ctx, current.partyId, 'change positions of');
  requireSender(ctx, current.partyId, patch.visibility ?? current.visibility, 'a position');
  // Any change, even one that only sends the revision back, restates the position on this version.
  const next: Position = {
    ...current,
    ...patch,
    carriedFromVersionId: null,
    stale: false,
    updatedAt: store.nowIso(),
    updatedBy: ctx.user.id,
  };
  await checkSupports(store, ctx, point, next, '', current);
  checkStance(next);
  await requirePublicWordsMayGo(store, ctx, [next]);
  return store.replace(ctx, 'positions', 'position', current, revision, next);
}

async function requireVisiblePoint(store: Store, ctx: NegotiationContext, versionId: Id, pointId: Id): Promise<Point> {
  return visiblePoints(store, ctx)(versionId, pointId);
}

/**
 * Finds points of versions the reader may take positions on; each version is read and indexed once,
 * so a batch of positions on one version costs one read, not one per position.
 */
function visiblePoints(store: Store, ctx: NegotiationContext): (versionId: Id, pointId: Id) => Promise<Point> {
  const versions = new Map<Id, Promise<Map<Id, Point>>>();
  return async (versionId, pointId) => {
    let points = versions.get(versionId);
    if (!points) {
      points = getVersion(store, ctx, versionId).then(
        (version) => {
          requireStanding(version, 'take positions on');
          return new Map(version.points.map((point) => [point.id, point]));
        },
        () => {
          throw invalid('versionId', `version "${versionId}" does not exist or you may not see it`);
        },
      );
      versions.set(versionId, points);
    }
    const point = (await points).get(pointId);
    if (!point) throw invalid('pointId', `version "${versionId}" has no point "${pointId}" you may see`);
    return point;
  };
}

function checkStance(position: Pick<Position, 'stance' | 'proposedText'>): void {
  if (position.stance === 'amend' && !position.proposedText?.trim())
    throw invalid('proposedText', 'an amendment needs the wording the party proposes (proposedText)');
}

/**
 * What a position names must exist on its point: an option of an issue the point decides, an
 * alternative of one of its brackets; and when both are named, the alternative must stand for that
 * option. A retired option may be kept by a position that named it before, not newly chosen.
 */
async function checkSupports(
  store: Store,
  ctx: NegotiationContext,
  point: Point,
  position: Pick<Position, 'supportsOption' | 'supportsAlternative'>,
  prefix: string,
  before?: Position,
  issues?: Issue[],
): Promise<void> {
  const { supportsOption: named, supportsAlternative: alternative } = position;
  if (named) {
    const field = `${prefix}supportsOption`;
    const issue = (issues ?? (await listIssues(store, ctx))).find((i) => i.id === named.issueId);
    if (!issue || !(point.issueIds.includes(issue.id) || issue.pointIds.includes(point.id)))
      throw invalid(
        `${field}.issueId`,
        `point ${point.number} decides no issue "${named.issueId}"; name one of ${describeIds(point.issueIds)}`,
      );
    const option = issue.options.find((o) => o.id === named.optionId);
    if (!option)
      throw invalid(
        `${field}.optionId`,
        `issue "${issue.name}" has no option "${named.optionId}"; its options are ${describeIds(issue.options.map((o) => o.id))}`,
      );
    const kept = before?.supportsOption?.issueId === issue.id && before.supportsOption.optionId === option.id;
    if (option.retiredAt && !kept)
      throw invalid(`${field}.optionId`, `option "${option.label}" was retired on ${option.retiredAt}; name another`);
  }
  if (alternative) {
    const field = `${prefix}supportsAlternative`;
    const bracket = point.brackets.find((b) => b.id === alternative.bracketId);
    if (!bracket)
      throw invalid(
        `${field}.bracketId`,
        `point ${point.number} has no bracket "${alternative.bracketId}"; its brackets are ${describeIds(point.brackets.map((b) => b.id))}`,
      );
    const wording = bracket.alternatives[alternative.alternative];
    if (!wording)
      throw invalid(
        `${field}.alternative`,
        `bracket "${bracket.id}" has ${bracket.alternatives.length} alternatives; give 0 for A up to ${bracket.alternatives.length - 1}`,
      );
    const standsFor = named && wording.choices && Object.hasOwn(wording.choices, named.issueId);
    if (standsFor && wording.choices![named.issueId] !== named.optionId)
      throw invalid(
        field,
        `alternative ${letter(alternative.alternative)} of bracket "${bracket.id}" stands for option "${wording.choices![named.issueId]}", not "${named.optionId}"; name one or the other, or both consistently`,
      );
  }
}

const letter = (index: number) => String.fromCharCode(65 + index);
const describeIds = (ids: Id[]) => (ids.length === 0 ? 'none' : ids.map((id) => `"${id}"`).join(', '));

/**
 * Records many positions in one request and one transaction: all are checked first, and either all
 * are stored, each with its audit event, or none (the first problem names the item at fault). A
 * position that restates a stale carried one replaces it.
 */
export async function createPositions(
  store: Store,
  ctx: NegotiationContext,
  inputs: PositionInput[],
  itemField = 'positions',
): Promise<Position[]> {
  const seen = new Set<string>();
  const positions: Position[] = [];
  // Read once for the whole batch: each item looks its point and issue up in them.
  const pointOf = visiblePoints(store, ctx);
  const issues = inputs.some((input) => input.supportsOption) ? await listIssues(store, ctx) : [];
  for (const [index, input] of inputs.entries()) {
    const prefix = itemField ? `${itemField}[${index}].` : '';
    const key = `${input.versionId} ${input.pointId} ${input.partyId}`;
    if (seen.has(key))
      throw invalid(`${itemField}[${index}]`, `the same party's position on point "${input.pointId}" appears twice`);
    seen.add(key);
    requireParty(ctx, input.partyId, 'take positions for');
    requireSender(ctx, input.partyId, input.visibility, 'a position');
    const position: Position = {
      supportsOption: null,
      supportsAlternative: null,
      ...input,
      carriedFromVersionId: null,
      stale: false,
      id: store.id(),
      negotiationId: ctx.negotiation.id,
      revision: 1,
      updatedAt: store.nowIso(),
      updatedBy: ctx.user.id,
    };
    try {
      const point = await pointOf(input.versionId, input.pointId);
      await checkSupports(store, ctx, point, position, '', undefined, issues);
      checkStance(input);
    } catch (error) {
      throw error instanceof DomainError && error.field ? invalid(`${prefix}${error.field}`, error.message) : error;
    }
    positions.push(position);
  }
  await requirePublicWordsMayGo(store, ctx, positions);
  return store.change(ctx.user.id, async (trx, record) => {
    const stored: Position[] = [];
    // The positions a party holds on a version, read once per party and version of the batch (not once per item).
    const held = new Map<string, Map<Id, Position>>();
    for (const position of positions) {
      const key = `${position.versionId} ${position.partyId}`;
      let onVersion = held.get(key);
      if (!onVersion) {
        const rows = await listEntities(trx, 'positions', ctx.negotiation.id, {
          versionId: position.versionId,
          partyId: position.partyId,
        });
        onVersion = new Map(rows.map((row) => [row.pointId, withDefaults(row)]));
        held.set(key, onVersion);
      }
      const same = onVersion.get(position.pointId);
      if (same && !same.stale)
        throw conflict(`the position of "${position.partyId}" on point "${position.pointId}"`, 0, same);
      if (same) {
        const restated = { ...position, id: same.id, revision: same.revision + 1 };
        await replaceEntity(trx, 'positions', restated, same.revision);
        await record({
          action: 'position.update',
          entityId: same.id,
          negotiationId: ctx.negotiation.id,
          before: same,
          after: restated,
        });
        stored.push(restated);
        continue;
      }
      await insertEntity(trx, 'positions', position);
      await record({
        action: 'position.create',
        entityId: position.id,
        negotiationId: ctx.negotiation.id,
        before: null,
        after: position,
      });
      stored.push(position);
    }
    return stored;
  });
}

/**
 * Carries the parties' positions on a parent version forward to a version made from it, in the
 * caller's transaction: on a point whose wording, brackets, issues and track did not change, the
 * position holds as taken (marked carried, with the version it was taken on); on a changed point it
 * is stale until the party restates it. Only points the author saw in the parent are carried.
 */
export async function carryPositions(
  trx: Transaction<Database>,
  record: Recorder,
  parent: Version,
  authorView: Set<Id>,
  version: Version,
  newId: () => Id,
): Promise<void> {
  const earlier = (await listEntities(trx, 'positions', version.negotiationId, { versionId: parent.id })).map(
    withDefaults,
  );
  const before = new Map(parent.points.map((point) => [point.id, point]));
  const earlierOn = new Map<Id, Position[]>();
  for (const position of earlier) {
    const list = earlierOn.get(position.pointId);
    if (list) list.push(position);
    else earlierOn.set(position.pointId, [position]);
  }
  for (const point of version.points) {
    const old = before.get(point.id);
    if (!old || !authorView.has(point.id)) continue;
    const unchanged = pointSignature(old) === pointSignature(point);
    for (const position of earlierOn.get(point.id) ?? []) {
      const carried: Position = {
        ...position,
        id: newId(),
        versionId: version.id,
        carriedFromVersionId: position.carriedFromVersionId ?? parent.id,
        stale: position.stale || !unchanged,
        revision: 1,
      };
      await insertEntity(trx, 'positions', carried);
      await record({
        action: 'position.carry',
        entityId: carried.id,
        negotiationId: version.negotiationId,
        before: null,
        after: carried,
      });
    }
  }
}

/** What a position on a point is about: its language, the issues it decides and the track it is in. */
function pointSignature(point: Point): string {
  return JSON.stringify([languageHash(point), [...point.issueIds].sort(), point.trackId]);
}

/**
 * A public position is read by every party that sees its version, now or once the version reaches it:
 * its wording, rationale and source pass the gate for the whole table. A coalition's own material is
 * read by each of its member parties' delegations: it passes the gate for them. Only the version's own
 * language is the readers' already, since whoever reads the position holds the version.
 */
async function requirePublicWordsMayGo(
  store: Store,
  ctx: NegotiationContext,
  positions: Pick<Position, 'versionId' | 'partyId' | 'visibility' | 'proposedText' | 'rationale' | 'source'>[],
): Promise<void> {
  const groups = new Map<string, { versionId: Id; audience: Id[]; words: string[] }>();
  for (const p of positions) {
    const audience = p.visibility === 'public' ? everyParty(ctx) : coalitionMembers(ctx, p.partyId);
    if (audience.length === 0) continue;
    const key = `${p.versionId} ${audience.join(',')}`;
    const group = groups.get(key) ?? { versionId: p.versionId, audience, words: [] };
    group.words.push(p.proposedText ?? '', p.rationale, p.source ?? '');
    groups.set(key, group);
  }
  for (const { versionId, audience, words } of groups.values())
    await requireWordsMayGo(
      store,
      ctx,
      "the position's wording, rationale and source",
      words,
      audience,
      store.db,
      versionId,
    );
}
