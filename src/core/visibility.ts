import type { Id, Membership, Party, Point, Track, Version, Visibility } from './model.ts';

/**
 * What one person is in one negotiation, reduced to what the visibility policy needs.
 * Built by `viewerScope` from their memberships; every read of the store takes one.
 */
export interface ViewerScope {
  userId: Id;
  /** Administrators see everything (they keep the installation and verify its audit log). */
  isAdmin: boolean;
  isMediator: boolean;
  /** The parties whose internal material this person sees: their own, and the coalitions it belongs to. */
  partyIds: Id[];
  /** True when the person holds any role in the negotiation. */
  isMember: boolean;
}

/**
 * Derives a person's scope in a negotiation: membership of a party also opens the coalitions that
 * party belongs to (a French delegate works inside the E3), never the other way round.
 *
 * @example viewerScope('u-fr', false, [{ partyId: 'fr', role: 'lead', ... }], parties).partyIds // ['fr', 'e3']
 */
export function viewerScope(userId: Id, isAdmin: boolean, memberships: Membership[], parties: Party[]): ViewerScope {
  const own = new Set(memberships.filter((m) => m.userId === userId && m.partyId).map((m) => m.partyId as Id));
  for (const party of parties) {
    if (party.kind === 'coalition' && party.memberPartyIds.some((member) => own.has(member))) own.add(party.id);
  }
  const mine = memberships.filter((m) => m.userId === userId);
  return {
    userId,
    isAdmin,
    isMediator: mine.some((m) => m.role === 'mediator'),
    partyIds: [...own].sort(),
    isMember: mine.length > 0,
  };
}

/** Whether the person may open the negotiation at all. */
export function canSeeNegotiation(scope: ViewerScope): boolean {
  return scope.isAdmin || scope.isMember;
}

/**
 * The rule for a party's own material (positions, red lines, preferences), as data so that the store
 * can turn it into a query and `canSeeOwned` into a check: one rule, two renderings.
 * `all`: no restriction; otherwise visible when the owner is one of `ownerPartyIds`, or the material's
 * visibility is one of `visibilities`.
 */
export type OwnedVisibilityRule = { all: true } | { all: false; ownerPartyIds: Id[]; visibilities: Visibility[] };

export function ownedVisibilityRule(scope: ViewerScope): OwnedVisibilityRule {
  if (scope.isAdmin) return { all: true };
  if (!scope.isMember) return { all: false, ownerPartyIds: [], visibilities: [] };
  return {
    all: false,
    ownerPartyIds: scope.partyIds,
    visibilities: scope.isMediator ? ['public', 'mediator'] : ['public'],
  };
}

/** Whether the person sees one item of a party's own material. */
export function canSeeOwned(scope: ViewerScope, item: { partyId: Id; visibility: Visibility }): boolean {
  const rule = ownedVisibilityRule(scope);
  if (rule.all) return true;
  return rule.ownerPartyIds.includes(item.partyId) || rule.visibilities.includes(item.visibility);
}

/** Whether the person may act for the whole table: define issues, record rounds, open tracks, write mediator texts. */
export function canActAsMediator(scope: ViewerScope): boolean {
  return scope.isAdmin || scope.isMediator;
}

/** Whether the person may change a party's material: members of that party (or its coalition) only. */
export function canActForParty(scope: ViewerScope, partyId: Id): boolean {
  return scope.isAdmin || scope.partyIds.includes(partyId);
}

/**
 * A version reaches a party only when transmitted to it (its author has it from the start).
 * Mediators see every version that is not an author's internal draft.
 */
export function canSeeVersion(
  scope: ViewerScope,
  version: Pick<Version, 'authorPartyId' | 'internal'>,
  recipientPartyIds: Id[],
): boolean {
  if (scope.isAdmin) return true;
  if (!scope.isMember) return false;
  if (version.authorPartyId !== null && scope.partyIds.includes(version.authorPartyId)) return true;
  if (version.internal) return false;
  if (scope.isMediator) return true;
  return recipientPartyIds.some((party) => scope.partyIds.includes(party));
}

/** A track, and the points negotiated in it, are seen only by its parties and the mediators. */
export function canSeeTrack(scope: ViewerScope, track: Pick<Track, 'partyIds'>): boolean {
  if (scope.isAdmin || scope.isMediator) return true;
  return scope.isMember && track.partyIds.some((party) => scope.partyIds.includes(party));
}

/**
 * Whether a point is visible. A point a version assigns to a track (`trackId`) follows the track's
 * audience in that version; the same point in a version outside the track stays as visible as the version.
 */
export function canSeePoint(scope: ViewerScope, point: Pick<Point, 'trackId'>, tracks: Track[]): boolean {
  if (point.trackId === null) return true;
  const track = tracks.find((t) => t.id === point.trackId);
  return track ? canSeeTrack(scope, track) : scope.isAdmin;
}

/** The version with only the points this person may see. */
export function visiblePoints<V extends Pick<Version, 'points'>>(scope: ViewerScope, version: V, tracks: Track[]): V {
  return { ...version, points: version.points.filter((point) => canSeePoint(scope, point, tracks)) };
}
