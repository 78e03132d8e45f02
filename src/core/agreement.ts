import { createHash } from 'node:crypto';
import type {
  AgreementMark,
  AgreementStatus,
  Id,
  Issue,
  Party,
  Point,
  PointAgreement,
  Track,
  VoidMark,
} from './model.ts';
import { carriedLanguages, languageBehind, languageName } from './languages.ts';
import { canonicalPoint, optionLabels, type OptionLabels } from './transmission.ts';
import { canSeePoint, canSeeTrack, type ViewerScope } from './visibility.ts';

/**
 * Nothing is agreed until everything is agreed. Each party at the table on a point marks the point's
 * wording provisionally agreed (ad referendum); a mark is bound to the point's content hash, so any
 * edit of the point (or a relabelling of an option one of its alternatives chooses) voids it. A point
 * is agreed when every party at the table on it holds a valid mark and no bracket remains in it; the
 * agreement is complete when every point is agreed and every track is closed.
 */

/**
 * The SHA-256 (hex) of one point's content, in `core/transmission.ts`'s canonical form: id, title,
 * text, brackets with their alternatives (and the labels of the options they choose), issues and
 * track. The point's number is left out: renumbering, when another point is added or dropped before
 * it, does not change its wording, so it does not void the marks on it.
 *
 * @example pointContentHash(point, issues) // '9c41…' (64 hex digits); another after any edit of the point
 */
export function pointContentHash(point: Point, issues: Pick<Issue, 'id' | 'options'>[]): string {
  return hashWithLabels(point, optionLabels(issues));
}

/** `pointContentHash` with the labels read once, for many points. */
function hashWithLabels(point: Point, labels: OptionLabels): string {
  const [id, _number, ...rest] = canonicalPoint(point, labels);
  return createHash('sha256')
    .update(JSON.stringify(['parley/point/1', id, ...rest]))
    .digest('hex');
}

/**
 * The parties at the table on a point, in the order of `parties`: for a point of the whole table,
 * every party (not coalitions; mediators are no party); for a point a version assigns to a track,
 * that track's parties, a coalition it lists standing for its member parties. A point assigned to a
 * track that does not exist has no one at its table, and cannot be agreed.
 *
 * @example partiesAtTable(point({ trackId: 'track-eu-nato' }), parties, tracks) // ['us', 'ua', 'eu', 'fr', 'de', 'uk']
 */
export function partiesAtTable(
  point: Pick<Point, 'trackId'>,
  parties: Pick<Party, 'id' | 'kind' | 'memberPartyIds'>[],
  tracks: Pick<Track, 'id' | 'partyIds'>[],
): Id[] {
  const single = parties.filter((party) => party.kind === 'party');
  if (point.trackId === null) return single.map((party) => party.id);
  const track = tracks.find((t) => t.id === point.trackId);
  if (!track) return [];
  const listed = new Set<Id>();
  for (const id of track.partyIds) {
    listed.add(id);
    const coalition = parties.find((party) => party.id === id && party.kind === 'coalition');
    for (const member of coalition?.memberPartyIds ?? []) listed.add(member);
  }
  return single.filter((party) => listed.has(party.id)).map((party) => party.id);
}

export interface AgreementInput {
  /** The points of the text under negotiation (the current version's), in order. */
  points: Point[];
  parties: Pick<Party, 'id' | 'kind' | 'memberPartyIds'>[];
  tracks: Pick<Track, 'id' | 'partyIds' | 'closedAt'>[];
  marks: AgreementMark[];
  /** The issues, for the labels of the options that bracket alternatives choose. */
  issues: Pick<Issue, 'id' | 'options'>[];
  /**
   * The negotiation's languages (`textLanguages`, `authenticLanguages`); left out for a text in one
   * language. A point is not agreed while an authentic language the text carries is behind on it.
   */
  languages?: { drafting: string; all: string[]; authentic: string[] };
}

/**
 * For each point, the authentic languages the text carries whose text of the point is out of date or
 * missing, with what each is behind. A text carries a language once one of its points is translated
 * into it: until then its text in that language is still to be made as a whole (as authentic texts are
 * often established once the wording is agreed), and the status says so without holding a point up.
 */
function authenticBehind(
  points: Point[],
  languages: AgreementInput['languages'],
): Map<Id, { language: string; behind: string[] }[]> {
  const out = new Map<Id, { language: string; behind: string[] }[]>();
  if (!languages || languages.all.length < 2) return out;
  const carried = carriedLanguages(points, languages);
  for (const entry of languageBehind(points, { drafting: languages.drafting, all: carried })) {
    const behind = entry.behind
      .filter((l) => languages.authentic.includes(l))
      .map((language) => ({ language, behind: entry.of[language] ?? [] }));
    if (behind.length > 0) out.set(entry.pointId, behind);
  }
  return out;
}

/**
 * Where the agreement stands, point by point and as a whole. A party's mark counts when its content
 * hash is the point's current one; otherwise it is void, and the party's latest void mark is listed
 * (unless a valid mark of the same party supersedes it). Marks of parties not at the table on a point
 * are not counted. Complete only when there is at least one point, every point is agreed, no bracket
 * is open, and every track has a `closedAt`.
 *
 * @example
 * const status = agreementStatus({ points, parties, tracks, marks, issues });
 * status.points[3] // { pointId: 'pt-4', agreed: false, awaiting: ['ru'], voidMarks: [{ partyId: 'ua', … }], … }
 * status.overall // { complete: false, pointsNotAgreed: [4, 9, 17], openBrackets: 2, openTracks: ['track-eu-nato'], … }
 */
export function agreementStatus({
  points,
  parties,
  tracks,
  marks,
  issues,
  languages,
}: AgreementInput): AgreementStatus {
  const behindIn = authenticBehind(points, languages);
  const byPoint = new Map<Id, AgreementMark[]>();
  for (const mark of marks) {
    const list = byPoint.get(mark.pointId);
    if (list) list.push(mark);
    else byPoint.set(mark.pointId, [mark]);
  }
  const labels = optionLabels(issues);
  const agreements = points.map((point): PointAgreement => {
    const hash = hashWithLabels(point, labels);
    const table = partiesAtTable(point, parties, tracks);
    const pointMarks = byPoint.get(point.id) ?? [];
    const agreedBy: Id[] = [];
    const awaiting: Id[] = [];
    const voidMarks: VoidMark[] = [];
    for (const partyId of table) {
      const own = pointMarks.filter((mark) => mark.partyId === partyId);
      if (own.some((mark) => mark.contentHash === hash)) {
        agreedBy.push(partyId);
        continue;
      }
      awaiting.push(partyId);
      const latest = own.reduce<AgreementMark | null>((a, b) => (a === null || b.at > a.at ? b : a), null);
      if (latest) voidMarks.push({ partyId, contentHash: latest.contentHash, at: latest.at, by: latest.by });
    }
    const openBrackets = point.brackets.length;
    const languagesBehind = behindIn.get(point.id);
    return {
      pointId: point.id,
      number: point.number,
      agreed: table.length > 0 && awaiting.length === 0 && openBrackets === 0 && !languagesBehind,
      agreedBy,
      awaiting,
      voidMarks,
      openBrackets,
      withheld: false,
      ...(languagesBehind ? { languagesBehind } : {}),
    };
  });
  const pointsNotAgreed = agreements.filter((p) => !p.agreed).map((p) => p.number);
  const openBrackets = agreements.reduce((sum, p) => sum + (p.openBrackets ?? 0), 0);
  const openTracks = tracks.filter((track) => !track.closedAt).map((track) => track.id);
  return {
    points: agreements,
    overall: {
      complete: points.length > 0 && pointsNotAgreed.length === 0 && openBrackets === 0 && openTracks.length === 0,
      pointsNotAgreed,
      openBrackets,
      openTracks,
      otherOpenTracks: 0,
    },
  };
}

/**
 * The status as one reader may see it. A point negotiated in a track the reader is outside of keeps
 * its number and whether it is agreed; its id, who marked it, who is awaited, its void marks and its
 * brackets are withheld (and its brackets are not counted in the reader's total). An open track the
 * reader is outside of is counted in `otherOpenTracks`, not named. Mediators see everything.
 * `points` and `tracks` are those the status was computed from.
 *
 * @example agreementStatusFor(status, russiaScope, points, tracks).points[5] // { pointId: null, number: 6, agreed: false, withheld: true, … }
 */
export function agreementStatusFor(
  status: AgreementStatus,
  scope: ViewerScope,
  points: Pick<Point, 'id' | 'trackId'>[],
  tracks: Track[],
): AgreementStatus {
  const hidden = new Set(points.filter((point) => !canSeePoint(scope, point, tracks)).map((point) => point.id));
  const seen = status.points.map((p): PointAgreement =>
    p.pointId === null || !hidden.has(p.pointId)
      ? p
      : {
          pointId: null,
          number: p.number,
          agreed: p.agreed,
          agreedBy: [],
          awaiting: [],
          voidMarks: [],
          openBrackets: null,
          withheld: true,
        },
  );
  const visibleTrack = (id: Id) => {
    const track = tracks.find((t) => t.id === id);
    return track !== undefined && canSeeTrack(scope, track);
  };
  const openTracks = status.overall.openTracks.filter(visibleTrack);
  return {
    points: seen,
    overall: {
      ...status.overall,
      openBrackets: seen.reduce((sum, p) => sum + (p.openBrackets ?? 0), 0),
      openTracks,
      otherOpenTracks: status.overall.otherOpenTracks + status.overall.openTracks.length - openTracks.length,
    },
  };
}

/** How `obstaclesInWords` names tracks and (optionally) parties: names, never ids. */
export interface ObstacleNames {
  track: (trackId: Id) => string;
  /** When given, the words also say whom each point awaits and whose marks are void. */
  party?: (partyId: Id) => string;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const list = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/** "Russia on 4, 9; Ukraine on 17": for each party, the points where `pick` lists it. */
function byParty(points: PointAgreement[], pick: (p: PointAgreement) => Id[], name: (id: Id) => string): string {
  const numbers = new Map<Id, number[]>();
  for (const p of points) for (const id of pick(p)) numbers.set(id, [...(numbers.get(id) ?? []), p.number]);
  return [...numbers].map(([id, ns]) => `${name(id)} on ${ns.join(', ')}`).join('; ');
}

/**
 * What still stands in the way of the agreement, in words: the points not agreed (by number), the
 * brackets open, the tracks open (by name); "The agreement is complete." when nothing does.
 *
 * @example
 * obstaclesInWords(status, { track: (id) => trackName(id) })
 * // '3 points not agreed: 4, 9, 17; 2 brackets open; the track "EU/NATO" open'
 * obstaclesInWords(status, { track, party: (id) => partyName(id) })
 * // '1 point not agreed: 9 (awaiting Russia on 9; void since the wording changed: Ukraine on 9)'
 */
export function obstaclesInWords(status: AgreementStatus, names: ObstacleNames): string {
  const { overall } = status;
  if (overall.complete) return 'The agreement is complete.';
  const parts: string[] = [];
  if (status.points.length === 0) parts.push('the text has no points');
  if (overall.pointsNotAgreed.length > 0) {
    let words = `${count(overall.pointsNotAgreed.length, 'point', 'points')} not agreed: ${overall.pointsNotAgreed.join(', ')}`;
    if (names.party) {
      const notAgreed = status.points.filter((p) => !p.agreed);
      const details = [
        byParty(notAgreed, (p) => p.awaiting, names.party),
        byParty(notAgreed, (p) => p.voidMarks.map((m) => m.partyId), names.party),
      ];
      const said = [
        details[0] ? `awaiting ${details[0]}` : '',
        details[1] ? `void since the wording changed: ${details[1]}` : '',
      ].filter(Boolean);
      if (said.length > 0) words += ` (${said.join('; ')})`;
    }
    parts.push(words);
  }
  if (overall.openBrackets > 0) parts.push(`${count(overall.openBrackets, 'bracket', 'brackets')} open`);
  parts.push(...languagesInWords(status.points));
  if (overall.openTracks.length > 0) {
    const named = overall.openTracks.map((id) => `"${names.track(id)}"`);
    parts.push(`the ${named.length === 1 ? 'track' : 'tracks'} ${list(named)} open`);
  }
  if (overall.otherOpenTracks > 0)
    parts.push(`${count(overall.otherOpenTracks, 'track', 'tracks')} you are not part of open`);
  return parts.join('; ');
}

/**
 * "points 4 and 9: the Ukrainian text is behind the English", "point 7: no Russian text yet": the
 * points whose authentic text in some language is out of date or missing, grouped by what is said.
 *
 * @example languagesInWords(status.points) // ['points 4 and 9: the Ukrainian text is behind the English']
 */
export function languagesInWords(points: Pick<PointAgreement, 'number' | 'languagesBehind'>[]): string[] {
  const said = new Map<string, number[]>();
  for (const point of points)
    for (const { language, behind } of point.languagesBehind ?? []) {
      const words =
        behind.length === 0
          ? `no ${languageName(language)} text yet`
          : `the ${languageName(language)} text is behind the ${list(behind.map(languageName))}`;
      said.set(words, [...(said.get(words) ?? []), point.number]);
    }
  return [...said].map(
    ([words, numbers]) => `${numbers.length === 1 ? 'point' : 'points'} ${list(numbers.map(String))}: ${words}`,
  );
}
