import { styleText } from 'node:util';
import { wordDiff, type PointComparison, type VersionComparison, type WordChange } from '../core/compare.ts';
import { renderPointText } from '../core/document.ts';
import type { VersionView } from '../core/model.ts';

/** A comparison as `compare` (store/versions.ts) gives it, and the API's compare route returns it. */
export interface ComparedVersions {
  base: VersionView;
  proposal: VersionView;
  comparison: VersionComparison;
}

const INDENT = '    ';

/**
 * A comparison as text for a person: each point that differs with its number(s), title and kinds of
 * change, then its words with the removed ones marked `[-…-]` and the added ones `{+…+}` (as
 * `git diff --word-diff=plain` does), or in red struck through and in green on a terminal; the
 * unchanged points in one line unless `all`; the points withheld from the reader by number only.
 */
export function comparisonText(result: ComparedVersions, options: { all: boolean; color: boolean }): string {
  const { base, proposal, comparison } = result;
  const mark = marker(options.color);
  const lines = [mark.heading(`--- ${base.id}: ${base.label}`), mark.heading(`+++ ${proposal.id}: ${proposal.label}`)];
  const basePoints = new Map(base.points.map((point) => [point.id, point]));
  const proposalPoints = new Map(proposal.points.map((point) => [point.id, point]));
  const unchanged: PointComparison[] = [];
  for (const point of comparison.points) {
    if (point.kinds.includes('unchanged')) {
      unchanged.push(point);
      if (!options.all) continue;
    }
    lines.push('', `${mark.heading(`Point ${numberOf(point)}: ${titleOf(point)}`)} (${point.kinds.join(', ')})`);
    if (point.baseTitle !== null && point.proposalTitle !== null && point.baseTitle !== point.proposalTitle)
      lines.push(`${INDENT}title: ${words(wordDiff(point.baseTitle, point.proposalTitle), mark)}`);
    if (point.into) {
      // A point merged or split into others: where it went, its words shown there.
      const numbers = point.into.map((id) => proposalPoints.get(id)?.number ?? id);
      lines.push(
        `${INDENT}${point.kinds.includes('split') ? 'split into points' : 'merged into point'} ${numbers.join(', ')}`,
      );
      continue;
    }
    if (point.from) {
      const numbers = point.from.map((id) => basePoints.get(id)?.number ?? id);
      lines.push(
        `${INDENT}${point.kinds.includes('split') ? 'split from point' : 'merged from points'} ${numbers.join(', ')}`,
      );
    }
    let changes: WordChange[];
    if (point.words) changes = point.words;
    else {
      // An added or removed point: its whole text, as added or removed words.
      const whole = point.kinds.includes('added') ? proposalPoints.get(point.pointId) : basePoints.get(point.pointId);
      const kind = point.kinds.includes('added') ? 'added' : 'removed';
      changes = whole ? [{ kind, text: renderPointText(whole) }] : [];
    }
    // The words of a point only moved or renumbered are the same: shown with --all only.
    const text = changes.some((change) => change.kind !== 'same') || options.all ? words(changes, mark) : '';
    if (text) lines.push(indented(text));
    if (point.granularity === 'sentences')
      lines.push(`${INDENT}(marked by sentence: too many changes to mark word by word)`);
    if (point.granularity === 'whole')
      lines.push(`${INDENT}(marked as a whole: too many changes to mark word by word)`);
  }
  lines.push('', summaryLine(comparison));
  if (unchanged.length > 0 && !options.all)
    lines.push(
      `${unchanged.length === 1 ? '1 point is' : `${unchanged.length} points are`} unchanged (point${unchanged.length === 1 ? '' : 's'} ${unchanged.map(numberOf).join(', ')}); --all shows them`,
    );
  for (const side of [base, proposal]) {
    const numbers = side.separateFormat?.pointNumbers ?? [];
    if (numbers.length === 0) continue;
    lines.push(
      `${side.id}: ${numbers.length === 1 ? `point ${numbers[0]} is` : `points ${numbers.join(', ')} are`} negotiated in a separate format you are not part of; ${numbers.length === 1 ? 'it is' : 'they are'} withheld and not compared`,
    );
  }
  if (comparison.coarse) lines.push(`Note: ${comparison.coarse.reason}.`);
  return `${lines.join('\n')}\n`;
}

/** How removed, added and heading text is written: plain markers, or colours and strikethrough. */
interface Marker {
  removed(text: string): string;
  added(text: string): string;
  heading(text: string): string;
}

function marker(color: boolean): Marker {
  // Parley decides whether to colour (a terminal, no NO_COLOR), so styleText is told not to check again.
  const style = (format: Parameters<typeof styleText>[0], text: string) =>
    styleText(format, text, { validateStream: false });
  return color
    ? {
        removed: (text) => style(['red', 'strikethrough'], text),
        added: (text) => style('green', text),
        heading: (text) => style('bold', text),
      }
    : { removed: (text) => `[-${text}-]`, added: (text) => `{+${text}+}`, heading: (text) => text };
}

/**
 * Word changes as one text. The white space around a changed run stays outside its marks; a run of
 * white space alone is written as the new text has it (kept if added, left out if removed).
 */
function words(changes: WordChange[], mark: Marker): string {
  let out = '';
  for (const change of changes) {
    if (change.kind === 'same') {
      out += change.text;
      continue;
    }
    const [, lead = '', core = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(change.text) ?? [];
    if (!core) {
      if (change.kind === 'added') out += change.text;
      continue;
    }
    out += lead + (change.kind === 'added' ? mark.added(core) : mark.removed(core)) + trail;
  }
  return out;
}

function indented(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? INDENT + line : line))
    .join('\n');
}

/** `7`, or `7 → 5` when the point's number changed. */
function numberOf(point: PointComparison): string {
  if (point.baseNumber !== null && point.proposalNumber !== null && point.baseNumber !== point.proposalNumber)
    return `${point.baseNumber} → ${point.proposalNumber}`;
  return String(point.proposalNumber ?? point.baseNumber);
}

function titleOf(point: PointComparison): string {
  return point.proposalTitle ?? point.baseTitle ?? '';
}

function summaryLine(comparison: VersionComparison): string {
  const counts = Object.entries(comparison.summary)
    .filter(([kind, count]) => count > 0 && kind !== 'unchanged')
    .map(([kind, count]) => `${count} ${kind}`);
  return counts.length === 0 ? 'No point differs.' : `${counts.join(', ')}.`;
}
