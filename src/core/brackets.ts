import { findPlaceholders } from './document.ts';
import type { Bracket, BracketClosure, BracketLife, Id, Point } from './model.ts';

/**
 * Brackets with a life. Through a chain of versions (oldest first), each bracket opens in one version,
 * its alternatives change from version to version, and it closes in the version where it is no longer
 * there: one alternative chosen (its wording stands where the placeholder stood), its language
 * dropped (nothing stands there), or unknown (other wording stands there). UN negotiators count the
 * brackets still open: `openBracketCounts`.
 */

/** One version of the chain: its id, the round it came from when known, and its points. */
export interface ChainVersion {
  id: Id;
  roundId?: Id | null;
  points: Pick<Point, 'id' | 'text' | 'brackets'>[];
}

type ChainPoint = ChainVersion['points'][number];

/** The alternatives as compared from version to version: wording, proposers and choices. */
const alternativesKey = (bracket: Bracket) =>
  JSON.stringify(
    bracket.alternatives.map((a) => [
      a.text,
      [...a.proposedBy].sort(),
      Object.entries(a.choices ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
    ]),
  );

const normal = (text: string) => text.replace(/\s+/g, ' ').trim();

/** What the wording standing at a closed bracket's place says of it. */
function classify(wording: string, bracket: Bracket): BracketClosure {
  const said = normal(wording);
  const chosen = bracket.alternatives.findIndex((a) => normal(a.text) === said);
  if (chosen !== -1) return { chosen };
  if (said === '') return { dropped: true };
  return { unknown: true };
}

/**
 * The wording at each placeholder's place in `next`, when `next` is the old text with its placeholders
 * replaced: the pieces of text around the placeholders are found in order, each placeholder's place
 * first read as its own placeholder or one of its alternatives, then as whatever stands before the
 * next piece. Null when a piece of the old text is not there any more.
 */
function templateMatch(old: string, next: string, brackets: Map<Id, Bracket>): Map<Id, string> | null {
  const placeholders = findPlaceholders(old);
  const pieces = [0, ...placeholders.map((p) => p.end)].map((from, i) =>
    old.slice(from, placeholders[i]?.start ?? old.length),
  );
  if (!next.startsWith(pieces[0]!)) return null;
  const found = new Map<Id, string>();
  let cursor = pieces[0]!.length;
  for (let i = 0; i < placeholders.length; i++) {
    const piece = pieces[i + 1]!;
    const last = i === placeholders.length - 1;
    const fits = (end: number) => (last ? end + piece.length === next.length : next.startsWith(piece, end));
    const id = placeholders[i]!.id;
    const candidates = [`[[${id}]]`, ...(brackets.get(id)?.alternatives.map((a) => a.text) ?? [])].sort(
      (a, b) => b.length - a.length,
    );
    let end = candidates
      .map((c) => (next.startsWith(c, cursor) ? cursor + c.length : -1))
      .find((e) => e >= 0 && fits(e));
    if (end === undefined) {
      const at = last ? next.length - piece.length : next.indexOf(piece, cursor);
      if (at < cursor) return null;
      end = at;
    }
    found.set(id, next.slice(cursor, end));
    cursor = end + piece.length;
  }
  return cursor === next.length ? found : null;
}

/** How many characters of context either side of a placeholder the fallback looks for. */
const CONTEXT = [40, 12];

/**
 * The wording at a placeholder's place found by the text just before and after it (up to the
 * neighbouring placeholders), when the rest of the point was edited too. Null when not found once.
 */
function contextMatch(old: string, id: Id, next: string): string | null {
  const placeholders = findPlaceholders(old);
  const k = placeholders.findIndex((p) => p.id === id);
  if (k === -1) return null;
  const before = old.slice(placeholders[k - 1]?.end ?? 0, placeholders[k]!.start);
  const after = old.slice(placeholders[k]!.end, placeholders[k + 1]?.start ?? old.length);
  for (const size of CONTEXT) {
    const left = before.slice(-size);
    const right = after.slice(0, size);
    if (!left && k > 0) return null;
    if (!right && k < placeholders.length - 1) return null;
    const start = left ? next.indexOf(left) : 0;
    if (start === -1 || (left && next.indexOf(left, start + 1) !== -1)) continue;
    const from = start + left.length;
    const end = right ? next.indexOf(right, from) : next.length;
    if (end !== -1) return next.slice(from, end);
  }
  return null;
}

/**
 * How a bracket that stood in `point` closed in the next version, read from the wording at its place:
 * in the same point when it is still there (else, the point gone, in whichever point holds the text
 * around it); `{ dropped: true }` when nothing stands there or its point went with its language.
 *
 * @example howClosed(point, bracket, nextVersion.points) // { chosen: 1 }
 */
export function howClosed(point: ChainPoint, bracket: Bracket, nextPoints: ChainPoint[]): BracketClosure {
  const same = nextPoints.find((p) => p.id === point.id);
  if (same) {
    const byTemplate = templateMatch(point.text, same.text, new Map(point.brackets.map((b) => [b.id, b])));
    const wording = byTemplate?.get(bracket.id) ?? contextMatch(point.text, bracket.id, same.text);
    return wording === null ? { unknown: true } : classify(wording, bracket);
  }
  for (const other of nextPoints) {
    const wording = contextMatch(point.text, bracket.id, other.text);
    if (wording !== null) return classify(wording, bracket);
  }
  return { dropped: true };
}

/**
 * The life of every bracket through a chain of versions, oldest first: where it opened, its
 * alternatives when it opened and each time they changed (wording, proposers or choices), and where
 * and how it closed (null while open at the end of the chain). A bracket id that comes back after
 * closing starts a new life. A bracket moved to another point stays open; `closed.pointId` is the
 * point it stood in last. Lives are listed in the order they opened. A bracket already in the first
 * version opened there as far as the chain knows. Compute it on the full chain and keep the lives of
 * the points a reader may see: a chain with a track's points cut out of some versions only would read
 * their brackets as dropped.
 *
 * @example
 * bracketHistory([v1, v2, v3])
 * // [{ bracketId: 'br-army', opened: { versionId: 'v1', roundId: 'r-geneva', pointId: 'pt-6' },
 * //    alternatives: [{ versionId: 'v1', … }, { versionId: 'v2', … }],
 * //    closed: { versionId: 'v3', roundId: null, pointId: 'pt-6', how: { chosen: 1 } } }]
 */
export function bracketHistory(chain: ChainVersion[]): BracketLife[] {
  const lives: BracketLife[] = [];
  const open = new Map<Id, { life: BracketLife; point: ChainPoint; bracket: Bracket }>();
  for (const version of chain) {
    const roundId = version.roundId ?? null;
    const here = new Map<Id, { point: ChainPoint; bracket: Bracket }>();
    for (const point of version.points)
      for (const bracket of point.brackets) if (!here.has(bracket.id)) here.set(bracket.id, { point, bracket });
    for (const [id, was] of open) {
      if (here.has(id)) continue;
      was.life.closed = {
        versionId: version.id,
        roundId,
        pointId: was.point.id,
        how: howClosed(was.point, was.bracket, version.points),
      };
      open.delete(id);
    }
    for (const [id, { point, bracket }] of here) {
      const was = open.get(id);
      if (!was) {
        const life: BracketLife = {
          bracketId: id,
          opened: { versionId: version.id, roundId, pointId: point.id },
          alternatives: [{ versionId: version.id, roundId, alternatives: bracket.alternatives }],
          closed: null,
        };
        lives.push(life);
        open.set(id, { life, point, bracket });
        continue;
      }
      if (alternativesKey(bracket) !== alternativesKey(was.bracket))
        was.life.alternatives.push({ versionId: version.id, roundId, alternatives: bracket.alternatives });
      open.set(id, { life: was.life, point, bracket });
    }
  }
  return lives;
}

/**
 * The number of brackets open in each version of the chain, in chain order: the count negotiators
 * watch fall (or rise) from round to round.
 *
 * @example openBracketCounts([v1, v2, v3]) // [{ versionId: 'v1', roundId: 'r1', open: 12 }, …, { versionId: 'v3', roundId: null, open: 4 }]
 */
export function openBracketCounts(chain: ChainVersion[]): { versionId: Id; roundId: Id | null; open: number }[] {
  return chain.map((version) => ({
    versionId: version.id,
    roundId: version.roundId ?? null,
    open: version.points.reduce((sum, point) => sum + point.brackets.length, 0),
  }));
}
