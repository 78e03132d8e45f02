import { partiesAtTable } from '../core/agreement.ts';
import { progressSeries, versionProgress, type ProgressSeries, type VersionProgress } from '../core/progress.ts';
import { redLineCrossings } from '../core/redlines.ts';
import { listIssues } from './issues.ts';
import { listPositions } from './positions.ts';
import { listRedLines } from './red-lines.ts';
import { listRounds } from './rounds.ts';
import type { NegotiationContext, Store } from './store.ts';
import { listVersions } from './texts.ts';

/** Progress: what is agreed, contested and crossed, per version and over the rounds. */

/** Progress of every version the reader sees, and the curve over the rounds. */
export async function progress(
  store: Store,
  ctx: NegotiationContext,
): Promise<{ versions: VersionProgress[]; series: ProgressSeries }> {
  // Withdrawn texts and cancelled rounds stay in the history but count no more.
  const versions = (await listVersions(store, ctx)).filter((v) => !v.withdrawnAt);
  const positions = await listPositions(store, ctx, {}, versions);
  const redLines = await listRedLines(store, ctx);
  const issues = await listIssues(store, ctx);
  // Grouped once: a filter per version would read every position again for each.
  const counted = new Map<string, typeof positions>();
  for (const position of positions) {
    // A stale position was taken on other wording: it counts again once the party restates it.
    if (position.stale) continue;
    const list = counted.get(position.versionId);
    if (list) list.push(position);
    else counted.set(position.versionId, [position]);
  }
  const measured = versions.map((version) =>
    versionProgress(
      version.id,
      version.points,
      counted.get(version.id) ?? [],
      redLineCrossings(version, redLines, issues, false),
      // A party at the table without a current stance is unknown there, never counted as agreeing.
      (point) => partiesAtTable(point, ctx.parties, ctx.tracks),
    ),
  );
  const byVersion = new Map(measured.map((m) => [m.versionId, m]));
  const series = progressSeries(
    await (await listRounds(store, ctx, versions)).filter((round) => !round.cancelledAt),
    (id) => byVersion.get(id) ?? null,
  );
  return { versions: measured, series };
}
