import { createHash } from 'node:crypto';
import { DIFF_BUDGET } from '../core/compare.ts';
import type { AmendmentChange } from '../core/amendments.ts';
import type { Id, Point, ProvenanceSpan, Track, Version, VersionProvenance } from '../core/model.ts';
import { carryProvenance, originalProvenance, redactVersionProvenance, type Attribution } from '../core/provenance.ts';
import { canActForParty, canSeePoint, type ViewerScope } from '../core/visibility.ts';
import { readEntities } from './collections.ts';
import { listRounds } from './rounds.ts';
import type { Executor, NegotiationContext, Store } from './store.ts';
import { getVersion, listVersions, textRecords } from './texts.ts';

/**
 * Provenance (`core/provenance.ts`): where every character of a version came from, carried along the
 * chain of its parents from the first, with the spans each amendment brought (`version_attributions`,
 * written by consolidation). Computed once per version over the stored texts and kept until the texts,
 * the spans or the rounds change; then redacted for each reader:
 * - a point the reader may not see is left out;
 * - an amendment the reader may not know of (internal to another party, or tabled to the mediators
 *   only, when the reader is neither a mediator nor the text's author) reads as the version's own;
 * - characters from a version the reader never received read as brought by the first version of the
 *   chain the reader did receive (its id, round and author), so neither its id nor its author shows.
 */

/** How long a chain is followed: a longer one starts from its newest ancestors as if first written there. */
const MAX_CHAIN = 200;

/** The spans each amendment brought to each version of a negotiation, by version. */
async function attributions(db: Executor, negotiationId: Id): Promise<Map<Id, Attribution[]>> {
  const rows = await db
    .selectFrom('version_attributions')
    .select(['version_id', 'data'])
    .where('negotiation_id', '=', negotiationId)
    .execute();
  return new Map(rows.map((row) => [row.version_id, JSON.parse(row.data) as Attribution[]]));
}

/** What a reader may know of amendments: their party, to whom they were tabled, and the point they amend. */
interface AmendmentFacts {
  id: Id;
  partyId: Id;
  versionId: Id;
  tabledTo: string | null;
  /** The point changed (the one a new point follows), in the version amended; null for a first point. */
  pointId: Id | null;
}

async function amendmentFacts(db: Executor, negotiationId: Id): Promise<AmendmentFacts[]> {
  const rows = await db
    .selectFrom('amendments')
    .select(['id', 'party_id', 'version_id', 'tabled_to', 'data'])
    .where('negotiation_id', '=', negotiationId)
    .execute();
  return rows.map((r) => {
    const { change } = JSON.parse(r.data) as { change?: AmendmentChange };
    const pointId = !change ? null : change.kind === 'addPoint' ? change.afterPointId : change.pointId;
    return { id: r.id, partyId: r.party_id, versionId: r.version_id, tabledTo: r.tabled_to, pointId };
  });
}

/**
 * Whether a reader may know of an amendment (and so of its party): its own party's members; once it
 * is tabled to the table, everyone it reached (for a point of a track, as the amended version assigns
 * it, the track's parties and the mediators); the mediators (and the author of the amended text, who
 * holds its pen) once it is tabled to them.
 */
export function mayKnowAmendment(
  scope: ViewerScope,
  amendment: Pick<AmendmentFacts, 'partyId' | 'tabledTo'>,
  amended: { authorPartyId: Id | null; point: Pick<Point, 'trackId'> | undefined },
  tracks: Track[],
): boolean {
  if (scope.isOperator || canActForParty(scope, amendment.partyId)) return true;
  if (amendment.tabledTo === 'table') return amended.point === undefined || canSeePoint(scope, amended.point, tracks);
  if (amendment.tabledTo === 'mediators')
    return scope.isMediator || (amended.authorPartyId !== null && canActForParty(scope, amended.authorPartyId));
  return false;
}

/**
 * Provenance computed, by version and what it was computed from (the rounds and the spans along its
 * chain). Versions never change, so a new version elsewhere leaves these as they are; a round that
 * names its outcome later, or spans written later, make another key. The most recent are kept.
 */
const computedBy = new WeakMap<Store, Map<string, VersionProvenance>>();
const COMPUTED_KEPT = 64;
function remember(computed: Map<string, VersionProvenance>, key: string, provenance: VersionProvenance): void {
  computed.delete(key);
  computed.set(key, provenance);
  while (computed.size > COMPUTED_KEPT) computed.delete(computed.keys().next().value!);
}
/** Lets the server answer other requests between two steps of a long chain. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The full provenance of every version of the chain to `versionId`, oldest first (kept per version). */
async function storedProvenance(store: Store, ctx: NegotiationContext, versionId: Id): Promise<VersionProvenance> {
  const records = await textRecords(store, ctx);
  const byId = new Map(records.map((r) => [r.version.id, r.version]));
  const chain: Version[] = [];
  for (
    let at = byId.get(versionId);
    at && chain.length < MAX_CHAIN;
    at = at.parentId ? byId.get(at.parentId) : undefined
  )
    chain.unshift(at);
  const brought = await store.reads.get(`attributions ${ctx.negotiation.id}`, ['version_attributions'], () =>
    attributions(store.db, ctx.negotiation.id),
  );
  const rounds = await readEntities(store, 'rounds', ctx.negotiation.id);
  const roundOf = (id: Id) => rounds.find((r) => r.outcomeVersionId === id && !r.cancelledAt)?.id ?? null;
  let previous: { version: Version; provenance: VersionProvenance } | null = null;
  let computed = computedBy.get(store);
  if (!computed) computedBy.set(store, (computed = new Map()));
  let key = ctx.negotiation.id;
  for (const version of chain) {
    const before: typeof previous = previous;
    // What this version's provenance is computed from: its chain, rounds and spans, hashed link by link.
    key = createHash('sha256')
      .update(`${key}\u0000${version.id}\u0000${roundOf(version.id) ?? ''}\u0000`)
      .update(JSON.stringify(brought.get(version.id) ?? []))
      .digest('base64url');
    const known = computed.get(key);
    if (known) {
      previous = { version, provenance: known };
      continue;
    }
    await yieldToOthers();
    const provenance: VersionProvenance =
      before === null
        ? originalProvenance({
            id: version.id,
            points: version.points,
            roundId: roundOf(version.id),
            partyId: version.authorPartyId,
          })
        : carryProvenance(
            { points: before.version.points, provenance: before.provenance },
            {
              points: version.points,
              versionId: version.id,
              roundId: roundOf(version.id),
              partyId: version.authorPartyId,
            },
            brought.get(version.id) ?? [],
            DIFF_BUDGET,
          );
    remember(computed, key, provenance);
    previous = { version, provenance };
  }
  return previous?.provenance ?? {};
}

/**
 * Where every character of a version the reader may see came from, as the reader may know it.
 *
 * @example (await versionProvenance(store, ctx, 'v3')).provenance['pt-4'].text
 * // [{ start: 0, end: 31, versionId: 'v1', amendmentId: null, partyId: 'us', roundId: null }, …]
 */
export async function versionProvenance(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
): Promise<{ versionId: Id; provenance: VersionProvenance }> {
  await getVersion(store, ctx, versionId);
  const full = await storedProvenance(store, ctx, versionId);
  const records = await textRecords(store, ctx);
  const byId = new Map(records.map((r) => [r.version.id, r.version]));
  const version = byId.get(versionId)!;
  const visible = await listVersions(store, ctx);
  const seen = new Set(visible.map((v) => v.id));
  const rounds = await listRounds(store, ctx, visible);
  const roundOf = (id: Id) => rounds.find((r) => r.outcomeVersionId === id && !r.cancelledAt)?.id ?? null;
  // Each version of the chain the reader never received stands for the first one after it they did.
  const standIn = new Map<Id, Id>();
  let next: Id = versionId;
  for (let at: Version | undefined = version; at; at = at.parentId ? byId.get(at.parentId) : undefined) {
    if (standIn.size > MAX_CHAIN) break;
    if (seen.has(at.id)) next = at.id;
    standIn.set(at.id, next);
  }
  const amendments = new Map(
    (
      await store.reads.get(`amendment-facts ${ctx.negotiation.id}`, ['amendments'], () =>
        amendmentFacts(store.db, ctx.negotiation.id),
      )
    ).map((a) => [a.id, a]),
  );
  const mayKnow = (amendmentId: Id) => {
    const amendment = amendments.get(amendmentId);
    if (!amendment) return ctx.scope.isOperator;
    const amended = byId.get(amendment.versionId);
    return mayKnowAmendment(
      ctx.scope,
      amendment,
      {
        authorPartyId: amended?.authorPartyId ?? null,
        point: amended?.points.find((p) => p.id === amendment.pointId),
      },
      ctx.tracks,
    );
  };
  const readable = (span: ProvenanceSpan): ProvenanceSpan => {
    const own = standIn.get(span.versionId) ?? versionId;
    if (own === span.versionId) return { ...span, roundId: span.roundId && roundOf(span.versionId) };
    return {
      start: span.start,
      end: span.end,
      versionId: own,
      amendmentId: null,
      partyId: byId.get(own)?.authorPartyId ?? null,
      roundId: roundOf(own),
    };
  };
  const shown: VersionProvenance = {};
  for (const point of version.points) {
    if (!canSeePoint(ctx.scope, point, ctx.tracks)) continue;
    const fields = full[point.id];
    if (!fields) continue;
    shown[point.id] = { title: fields.title.map(readable), text: fields.text.map(readable) };
  }
  return {
    versionId,
    provenance: redactVersionProvenance(shown, mayKnow, (id) => byId.get(id)?.authorPartyId ?? null),
  };
}
