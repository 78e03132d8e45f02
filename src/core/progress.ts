import type { Id, Point, Position, Round, Stance } from './model.ts';
import type { RedLineCrossing } from './redlines.ts';

/** How far apart stances are: support 0, amend 1, oppose 2, red line 3. */
const STANCE_SCORE: Record<Stance, number> = { support: 0, amend: 1, oppose: 2, red_line: 3 };
const MAX_STANCE_SCORE = 3;

export type PointState = 'agreed' | 'contested' | 'open';

export interface PointProgress {
  pointId: Id;
  number: number;
  title: string;
  /**
   * `agreed`: no brackets left and at least two parties took a position, all in support;
   * `contested`: brackets remain or some party amends, opposes or holds a red line;
   * `open`: fewer than two positions and no brackets.
   */
  state: PointState;
  stances: Record<Id, Stance>;
  /**
   * The parties at the table on this point whose stance on this wording is unknown: silent, or their
   * position stale since the point changed. Unknown is never agreement.
   */
  unknown: Id[];
  brackets: number;
  redLinesCrossed: number;
  /** Mean distance between the parties' stances on this point, 0 (all alike) to 1; null under two positions. */
  distance: number | null;
}

export interface VersionProgress {
  versionId: Id;
  points: PointProgress[];
  agreed: number;
  contested: number;
  open: number;
  /** Stances unknown (a party at the table on a point, silent or stale there), summed over the points. */
  unknown: number;
  /** Brackets left in the text; a text is agreed when none remain. */
  brackets: number;
  redLinesCrossed: number;
  /** Mean of the points' distances, null when no point has two positions. */
  distance: number | null;
}

/**
 * Measures one version: which points all parties agree on, which are contested, how many red lines it
 * crosses and how far apart the parties' stances are. Computed over the positions and red-line
 * crossings passed in, so a party's view counts only what that party may see. With `atTable` (the
 * parties at the table on a point), a party of the table without a stance there is unknown, and a
 * point is agreed only when none is: silence is never consent.
 */
export function versionProgress(
  versionId: Id,
  points: Point[],
  positions: Position[],
  crossings: RedLineCrossing[],
  atTable?: (point: Point) => Id[],
): VersionProgress {
  const byPoint = new Map<Id, Position[]>();
  for (const position of positions) {
    if (position.versionId !== versionId) continue;
    const list = byPoint.get(position.pointId);
    if (list) list.push(position);
    else byPoint.set(position.pointId, [position]);
  }
  const crossingsOf = new Map<Id, number>();
  for (const crossing of crossings)
    for (const pointId of new Set(crossing.pointIds)) crossingsOf.set(pointId, (crossingsOf.get(pointId) ?? 0) + 1);
  const pointProgress = points.map((point): PointProgress => {
    const stances: Record<Id, Stance> = {};
    for (const position of byPoint.get(point.id) ?? []) stances[position.partyId] = position.stance;
    const values = Object.values(stances);
    const unknown = (atTable?.(point) ?? []).filter((partyId) => !Object.hasOwn(stances, partyId));
    const contested = point.brackets.length > 0 || values.some((stance) => stance !== 'support');
    const state: PointState = contested ? 'contested' : values.length >= 2 && unknown.length === 0 ? 'agreed' : 'open';
    return {
      pointId: point.id,
      number: point.number,
      title: point.title,
      state,
      stances,
      unknown,
      brackets: point.brackets.length,
      redLinesCrossed: crossingsOf.get(point.id) ?? 0,
      distance: stanceDistance(values),
    };
  });
  const distances = pointProgress.map((p) => p.distance).filter((d): d is number => d !== null);
  return {
    versionId,
    points: pointProgress,
    agreed: pointProgress.filter((p) => p.state === 'agreed').length,
    contested: pointProgress.filter((p) => p.state === 'contested').length,
    open: pointProgress.filter((p) => p.state === 'open').length,
    unknown: pointProgress.reduce((sum, p) => sum + p.unknown.length, 0),
    brackets: pointProgress.reduce((sum, p) => sum + p.brackets, 0),
    redLinesCrossed: crossings.length,
    distance: distances.length === 0 ? null : distances.reduce((sum, d) => sum + d, 0) / distances.length,
  };
}

/** Mean pairwise distance between stances, scaled to 0..1; null for fewer than two stances. Counted by stance: linear in the stances. */
export function stanceDistance(stances: Stance[]): number | null {
  if (stances.length < 2) return null;
  const counts = new Array<number>(MAX_STANCE_SCORE + 1).fill(0);
  for (const stance of stances) counts[STANCE_SCORE[stance]]!++;
  let total = 0;
  for (let a = 0; a <= MAX_STANCE_SCORE; a++)
    for (let b = a + 1; b <= MAX_STANCE_SCORE; b++) total += counts[a]! * counts[b]! * (b - a);
  const pairs = (stances.length * (stances.length - 1)) / 2;
  return total / pairs / MAX_STANCE_SCORE;
}

/**
 * The distance between parties' stances in two measures, on common ground only: the points in both,
 * and on each the parties whose stance is known in both. `lost` counts the stances known in `a` that
 * are unknown in `b` (stale since the point changed, or not restated) on points `b` still has.
 */
export function commonDistance(
  a: Pick<VersionProgress, 'points'>,
  b: Pick<VersionProgress, 'points'>,
): { from: number | null; to: number | null; lost: number } {
  const later = new Map(b.points.map((p) => [p.pointId, p]));
  const from: number[] = [];
  const to: number[] = [];
  let lost = 0;
  for (const before of a.points) {
    const after = later.get(before.pointId);
    if (!after) continue;
    const common = Object.keys(before.stances).filter((party) => Object.hasOwn(after.stances, party));
    lost += Object.keys(before.stances).filter((party) => after.unknown.includes(party)).length;
    const d1 = stanceDistance(common.map((party) => before.stances[party]!));
    const d2 = stanceDistance(common.map((party) => after.stances[party]!));
    if (d1 !== null && d2 !== null) {
      from.push(d1);
      to.push(d2);
    }
  }
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);
  return { from: mean(from), to: mean(to), lost };
}

export interface RoundProgress {
  roundId: Id;
  title: string;
  startsOn: string;
  /** The version measured: what the round produced, or else what was on the table. */
  versionId: Id;
  progress: Omit<VersionProgress, 'points'>;
  /**
   * Change of distance since the previous round measured; negative means the differences narrowed.
   * Null when stances known then are unknown now (`commonDistance`): fewer stances are no narrowing.
   */
  distanceChange: number | null;
  /** Stances known in the previous round measured that are unknown in this one (stale or silent). */
  stancesLost: number;
}

export interface ProgressSeries {
  rounds: RoundProgress[];
  /**
   * `narrowing` when the distance fell from the first to the last round measured, `widening` when it
   * rose; `unknown` with fewer than two rounds with a distance, or when stances known in the first round
   * are unknown in the last (stale since the text changed, or silent): never read as agreement.
   */
  trend: 'narrowing' | 'widening' | 'steady' | 'unknown';
  /** Why the trend is unknown, in words; null otherwise. */
  trendNote: string | null;
}

/**
 * The curve of the talks: each round, in date order, measured on the version it produced (or the one
 * it discussed). `measure` returns the progress of a version as the viewer may see it, or null when the
 * viewer cannot see that version (the round is then left out).
 */
export function progressSeries(rounds: Round[], measure: (versionId: Id) => VersionProgress | null): ProgressSeries {
  const measured: (RoundProgress & { full: VersionProgress })[] = [];
  for (const round of [...rounds].sort(
    (a, b) => Date.parse(a.startsOn) - Date.parse(b.startsOn) || a.id.localeCompare(b.id),
  )) {
    const versionId = round.outcomeVersionId ?? round.versionId;
    if (versionId === null) continue;
    const progress = measure(versionId);
    if (!progress) continue;
    const { points: _points, ...totals } = progress;
    const previous = measured[measured.length - 1];
    const common = previous ? commonDistance(previous.full, progress) : null;
    const distanceChange =
      previous && common && common.lost === 0 && previous.progress.distance !== null && totals.distance !== null
        ? totals.distance - previous.progress.distance
        : null;
    measured.push({
      roundId: round.id,
      title: round.title,
      startsOn: round.startsOn,
      versionId,
      progress: totals,
      distanceChange,
      stancesLost: common?.lost ?? 0,
      full: progress,
    });
  }
  let trend: ProgressSeries['trend'] = 'unknown';
  const withDistance = measured.filter((r) => r.progress.distance !== null);
  let trendNote: string | null =
    withDistance.length < 2 ? 'fewer than two rounds have two stances or more on a point' : null;
  if (withDistance.length >= 2) {
    const first = withDistance[0]!;
    const last = measured[measured.length - 1]!;
    const common = commonDistance(first.full, last.full);
    if (common.lost > 0)
      trendNote = `${common.lost} ${common.lost === 1 ? 'stance' : 'stances'} taken by "${first.title}" ${common.lost === 1 ? 'is' : 'are'} unknown by "${last.title}" (stale since the text changed, or not restated): whether the differences narrowed is unknown until the parties restate them`;
    else {
      const delta = withDistance[withDistance.length - 1]!.progress.distance! - first.progress.distance!;
      trend = Math.abs(delta) < 1e-9 ? 'steady' : delta < 0 ? 'narrowing' : 'widening';
    }
  }
  return { rounds: measured.map(({ full: _full, ...round }) => round), trend, trendNote };
}
