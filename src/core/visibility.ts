import type { Id, Issue, Membership, Party, Point, Track, Version, VersionView, Visibility } from './model.ts';

/**
 * What one person is in one negotiation, reduced to what the visibility policy needs.
 * Built by `viewerScope` from their memberships; every read of the store takes one.
 */
export interface ViewerScope {
  userId: Id;
  /**
   * The operator at the command line, who holds the database file and so every secret in it
   * (`parley export`, `parley audit`). Never an account signed in over HTTP: administrators keep the
   * installation, not the secrets, and read a negotiation only through a membership of it.
   */
  isOperator: boolean;
  isMediator: boolean;
  /** The parties whose internal material this person sees: their own, and the coalitions it belongs to. */
  partyIds: Id[];
  /** True when the person holds any role in the negotiation. */
  isMember: boolean;
  /** The parties (and their coalitions) for which the person is principal or lead: who sends its texts. */
  sendingPartyIds: Id[];
}

/**
 * Derives a person's scope in a negotiation: membership of a party also opens the coalitions that
 * party belongs to (a French delegate works inside the E3), never the other way round.
 *
 * @example viewerScope('u-fr', false, [{ partyId: 'fr', role: 'lead', ... }], parties).partyIds // ['fr', 'e3']
 */
export function viewerScope(userId: Id, isOperator: boolean, memberships: Membership[], parties: Party[]): ViewerScope {
  const own = new Set(memberships.filter((m) => m.userId === userId && m.partyId).map((m) => m.partyId as Id));
  for (const party of parties) {
    if (party.kind === 'coalition' && party.memberPartyIds.some((member) => own.has(member))) own.add(party.id);
  }
  const mine = memberships.filter((m) => m.userId === userId);
  const sending = new Set(
    mine.filter((m) => m.partyId && (m.role === 'principal' || m.role === 'lead')).map((m) => m.partyId as Id),
  );
  for (const party of parties) {
    if (party.kind === 'coalition' && party.memberPartyIds.some((member) => sending.has(member))) sending.add(party.id);
  }
  return {
    userId,
    isOperator,
    isMediator: mine.some((m) => m.role === 'mediator'),
    partyIds: [...own].sort(),
    isMember: mine.length > 0,
    sendingPartyIds: [...sending].sort(),
  };
}

/**
 * Whether the person may send a party's texts to others (transmit them, or share them with the
 * mediators): the party's principal or lead, not every member of its delegation.
 */
export function canSendForParty(scope: ViewerScope, partyId: Id): boolean {
  return scope.isOperator || scope.sendingPartyIds.includes(partyId);
}

/** Whether the person may open the negotiation at all. */
export function canSeeNegotiation(scope: ViewerScope): boolean {
  return scope.isOperator || scope.isMember;
}

/**
 * The rule for a party's own material (positions, red lines, preferences), as data so that the store
 * can turn it into a query and `canSeeOwned` into a check: one rule, two renderings.
 * `all`: no restriction; otherwise visible when the owner is one of `ownerPartyIds`, or the material's
 * visibility is one of `visibilities`.
 */
export type OwnedVisibilityRule = { all: true } | { all: false; ownerPartyIds: Id[]; visibilities: Visibility[] };

export function ownedVisibilityRule(scope: ViewerScope): OwnedVisibilityRule {
  if (scope.isOperator) return { all: true };
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
  return scope.isOperator || scope.isMediator;
}

/** Whether the person may change a party's material: members of that party (or its coalition) only. */
export function canActForParty(scope: ViewerScope, partyId: Id): boolean {
  return scope.isOperator || scope.partyIds.includes(partyId);
}

/**
 * The recipients of a version a reader may know of: a mediator (and the operator) all of them; the
 * author party's members all of them too, since their party sent it or their rules released it;
 * anyone else only their own party and the author. A recipient learns that it has the text, never
 * who else does.
 */
export function knownRecipients(scope: ViewerScope, authorPartyId: Id | null, recipientPartyIds: Id[]): Id[] {
  if (scope.isOperator || scope.isMediator) return recipientPartyIds;
  if (authorPartyId !== null && canActForParty(scope, authorPartyId)) return recipientPartyIds;
  return recipientPartyIds.filter((p) => canActForParty(scope, p) || p === authorPartyId);
}

/**
 * Whose utilities a reader is told, each computed from a party's preferences: a party's members
 * their own party's (and their coalitions'); a mediator those of the parties that shared their
 * preferences with the mediators. Never another party's, even where its preferences are visible.
 */
export function canSeeUtilitiesOf(scope: ViewerScope, preference: { partyId: Id; visibility: Visibility }): boolean {
  if (canActForParty(scope, preference.partyId)) return true;
  return canActAsMediator(scope) && preference.visibility === 'mediator';
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
  if (scope.isOperator) return true;
  if (!scope.isMember) return false;
  if (version.authorPartyId !== null && scope.partyIds.includes(version.authorPartyId)) return true;
  if (version.internal) return false;
  if (scope.isMediator) return true;
  return recipientPartyIds.some((party) => scope.partyIds.includes(party));
}

/**
 * Who reads and writes a draft: a party's draft is internal to the party (its delegates; a
 * coalition's, the delegates of its member parties), as it would be once issued; a draft of the
 * table's text is the mediators'. No one else learns it exists.
 */
export function canWriteDraft(scope: ViewerScope, draft: { partyId: Id | null }): boolean {
  if (scope.isOperator) return true;
  return draft.partyId === null ? scope.isMediator : scope.partyIds.includes(draft.partyId);
}

/** A track, and the points negotiated in it, are seen only by its parties and the mediators. */
export function canSeeTrack(scope: ViewerScope, track: Pick<Track, 'partyIds'>): boolean {
  if (scope.isOperator || scope.isMediator) return true;
  return scope.isMember && track.partyIds.some((party) => scope.partyIds.includes(party));
}

/**
 * Whether a point is visible. A point a version assigns to a track (`trackId`) follows the track's
 * audience in that version; the same point in a version outside the track stays as visible as the version.
 */
export function canSeePoint(scope: ViewerScope, point: Pick<Point, 'trackId'>, tracks: Track[]): boolean {
  if (point.trackId === null) return true;
  const track = tracks.find((t) => t.id === point.trackId);
  return track ? canSeeTrack(scope, track) : scope.isOperator;
}

/** The version with only the points this person may see. */
export function visiblePoints<V extends Pick<Version, 'points'>>(scope: ViewerScope, version: V, tracks: Track[]): V {
  return { ...version, points: version.points.filter((point) => canSeePoint(scope, point, tracks)) };
}

/** What a reader outside a track is told in place of each of the track's points. */
export const SEPARATE_FORMAT_NOTE = 'negotiated in a separate format';

/**
 * A version as one reader may see it. The points a version merges or splits name their origins
 * (`derivedFrom`) only where the reader may know of them: not the points of tracks the reader is
 * outside of (as the tracks list them or this version assigns them), nor `hiddenElsewhere` (those
 * that other versions assign to such tracks). For a reader outside a track, each point the version assigns to
 * that track keeps only its number, listed in `separateFormat` ("negotiated in a separate format"),
 * and everything derived from those points is withheld: the option choices of issues that only they
 * decide, the summary (free text that may speak of them) and the content hash (which would let a
 * reader confirm a guess of the hidden text).
 *
 * @example readerView(russia, v19, recipients, tracks, issues).separateFormat // { pointNumbers: [3, 6, …], … }
 */
export function readerView(
  scope: ViewerScope,
  version: Version,
  recipientPartyIds: Id[],
  contentHash: string,
  tracks: Track[],
  issues: Pick<Issue, 'id' | 'pointIds'>[],
  hiddenElsewhere: ReadonlySet<Id> = new Set(),
): VersionView {
  const hidden = version.points.filter((point) => !canSeePoint(scope, point, tracks));
  const unnamed = new Set([...hiddenElsewhere, ...hiddenPointIds(scope, tracks, [version])]);
  if (hidden.length === 0)
    return {
      ...version,
      points: withoutHiddenOrigins(version.points, unnamed),
      recipientPartyIds,
      contentHash,
      separateFormat: null,
    };
  const points = withoutHiddenOrigins(
    version.points.filter((point) => canSeePoint(scope, point, tracks)),
    unnamed,
  );
  const optionChoices: Record<Id, Id> = {};
  for (const [issueId, optionId] of Object.entries(version.optionChoices)) {
    const issue = issues.find((i) => i.id === issueId);
    const decides = (point: Point) => point.issueIds.includes(issueId) || (issue?.pointIds.includes(point.id) ?? false);
    const decidedByHidden = hidden.some(decides);
    if (decidedByHidden && !points.some(decides)) continue;
    optionChoices[issueId] = optionId;
  }
  return {
    ...version,
    points,
    optionChoices,
    summary: '',
    recipientPartyIds,
    contentHash: null,
    separateFormat: {
      pointNumbers: hidden.map((point) => point.number),
      note: `${hidden.length === 1 ? '1 point of this text is' : `${hidden.length} points of this text are`} ${SEPARATE_FORMAT_NOTE} that you are not part of; the summary, the content hash and the option choices that only ${hidden.length === 1 ? 'that point decides' : 'those points decide'} are withheld`,
    },
  };
}

/**
 * The points with the ids of the points they were merged or split from (`derivedFrom`) that the
 * reader may not know of taken out: a point merged from a track's point does not name it to a reader
 * outside the track. A point whose every origin is hidden says nothing of where it came from.
 */
function withoutHiddenOrigins(points: Point[], hidden: ReadonlySet<Id>): Point[] {
  if (hidden.size === 0) return points;
  return points.map((point) => {
    if (!point.derivedFrom?.some((id) => hidden.has(id))) return point;
    const { derivedFrom, ...rest } = point;
    const kept = derivedFrom.filter((id) => !hidden.has(id));
    return kept.length > 0 ? { ...rest, derivedFrom: kept } : rest;
  });
}

/**
 * The point ids a reader may not see named anywhere in the negotiation (in statements, issues,
 * agendas): the points of every track the reader is outside of, as the track lists them or as any
 * version assigns them to it.
 */
export function hiddenPointIds(scope: ViewerScope, tracks: Track[], versions: Pick<Version, 'points'>[]): Set<Id> {
  const closed = tracks.filter((track) => !canSeeTrack(scope, track));
  const hidden = new Set<Id>(closed.flatMap((track) => track.pointIds));
  if (closed.length === 0) return hidden;
  const closedIds = new Set(closed.map((track) => track.id));
  for (const version of versions)
    for (const point of version.points)
      if (point.trackId !== null && closedIds.has(point.trackId)) hidden.add(point.id);
  return hidden;
}

/** Who an amendment was tabled to: null while it is internal to its party. */
export type AmendmentAudience = 'mediators' | 'table' | null;

/**
 * The rule for amendments to one version, as data, so that the store can turn it into a query and
 * `canSeeAmendment` into a check: one rule, two renderings. An amendment is its party's own until
 * the party's principal or lead tables it: to the mediators (read by the mediators and, for a party's
 * text, by the author party that holds its pen) or to the table (every reader of the version). A
 * coalition's amendment is read by each member party (`scope.partyIds` holds the coalition). The
 * version itself must be one the reader may see; a track point's amendments only the track's parties
 * and the mediators (`canSeePoint`, applied after).
 *
 * @example amendmentRule(russia, { authorPartyId: null }) // { all: false, partyIds: ['ru'], audiences: ['table'] }
 */
export type AmendmentRule = { all: true } | { all: false; partyIds: Id[]; audiences: ('mediators' | 'table')[] };

export function amendmentRule(scope: ViewerScope, version: Pick<Version, 'authorPartyId'>): AmendmentRule {
  if (scope.isOperator) return { all: true };
  if (!scope.isMember) return { all: false, partyIds: [], audiences: [] };
  const holdsPen = version.authorPartyId !== null && scope.partyIds.includes(version.authorPartyId);
  return {
    all: false,
    partyIds: scope.partyIds,
    audiences: scope.isMediator || holdsPen ? ['mediators', 'table'] : ['table'],
  };
}

/** Whether the person sees an amendment to a version they may see (the point's track applies too). */
export function canSeeAmendment(
  scope: ViewerScope,
  amendment: { partyId: Id; tabledTo: AmendmentAudience },
  version: Pick<Version, 'authorPartyId'>,
): boolean {
  const rule = amendmentRule(scope, version);
  if (rule.all) return true;
  if (rule.partyIds.includes(amendment.partyId)) return true;
  return amendment.tabledTo !== null && rule.audiences.includes(amendment.tabledTo);
}

/**
 * Who holds the pen of a version, and so decides its amendments and consolidates them: the mediators
 * for a text of the table, the author party's principal or lead for a party's own text.
 */
export function holdsPen(scope: ViewerScope, version: Pick<Version, 'authorPartyId'>): boolean {
  if (version.authorPartyId === null) return canActAsMediator(scope);
  return canSendForParty(scope, version.authorPartyId);
}

/**
 * What an event of the audit log is about, as the history needs it to decide who may read of it;
 * the store describes each event by the entity it concerns, as that entity stands now.
 * - `table`: the table's common business (the negotiation, its parties and seats, issues, rounds,
 *   statements, rules, the lock): everyone at the table.
 * - `track`: a separate format: its parties and the mediators (`canSeeTrack`).
 * - `owned`: a party's own material (a position, a red line, preferences): `canSeeOwned`, as it stands.
 * - `party`: the internal business of one or more parties (a draft, an invitation to a seat, a
 *   principal's approval, an agreement mark, an analysis, a transmission): members of any of them;
 *   `null` among them stands for the mediators.
 * - `version`: a text: those it has reached (`canSeeVersion`), so no one learns of a text it did not receive.
 * - `amendment`: an amendment (`canSeeAmendment`) to a text the reader holds; its steps inside its
 *   party (proposed, edited as a draft) stay the party's even once tabled.
 * - `hidden`: nothing the history may name (a kind it does not describe): the operator only.
 */
export type HistorySubject =
  | { kind: 'table' }
  | { kind: 'track'; track: Pick<Track, 'partyIds'> }
  | { kind: 'owned'; partyId: Id; visibility: Visibility }
  | { kind: 'party'; partyIds: (Id | null)[] }
  | { kind: 'version'; version: Pick<Version, 'authorPartyId' | 'internal'>; recipientPartyIds: Id[] }
  | {
      kind: 'amendment';
      amendment: { partyId: Id; tabledTo: AmendmentAudience };
      version: Pick<Version, 'authorPartyId' | 'internal'>;
      recipientPartyIds: Id[];
      internalStep: boolean;
    }
  | { kind: 'hidden' };

/**
 * The history's rule: whether a reader may read of an event at all. An event is read only when the
 * reader may see every subject it is about (an approval is about the approver's party and the text;
 * a mark about its party and the text): a party reads its own events and what was shared with it,
 * never another party's private material, nor that a text it did not receive exists. What one event
 * says is then told in the reader's view (recipients as `knownRecipients`, names never ids).
 *
 * @example canSeeHistoryEvent(russia, [{ kind: 'party', partyIds: ['ua'] }]) // false: Ukraine's internal business
 */
export function canSeeHistoryEvent(scope: ViewerScope, subjects: HistorySubject[]): boolean {
  if (scope.isOperator) return true;
  if (!scope.isMember || subjects.length === 0) return false;
  return subjects.every((subject) => {
    switch (subject.kind) {
      case 'table':
        return true;
      case 'track':
        return canSeeTrack(scope, subject.track);
      case 'owned':
        return canSeeOwned(scope, subject);
      case 'party':
        return subject.partyIds.some((partyId) =>
          partyId === null ? scope.isMediator : scope.partyIds.includes(partyId),
        );
      case 'version':
        return canSeeVersion(scope, subject.version, subject.recipientPartyIds);
      case 'amendment':
        if (!canSeeVersion(scope, subject.version, subject.recipientPartyIds)) return false;
        if (subject.internalStep) return scope.partyIds.includes(subject.amendment.partyId);
        return canSeeAmendment(scope, subject.amendment, subject.version);
      case 'hidden':
        return false;
    }
  });
}
