import { renderPointText } from './document.ts';
import type { Party, Position, Stance, Version } from './model.ts';

const STANCE_WORDS: Record<Stance, string> = {
  support: 'supports',
  amend: 'amends',
  oppose: 'opposes',
  red_line: 'red line',
};

/**
 * A version as Markdown: its numbered points with brackets written UN-style, and under each point the
 * positions passed in (the caller passes what the reader may see), one line per party.
 */
export function versionMarkdown(
  negotiationTitle: string,
  version: Pick<Version, 'label' | 'summary' | 'createdAt' | 'points'> & {
    separateFormat?: { pointNumbers: number[] } | null;
  },
  positions: Position[],
  parties: Party[],
): string {
  const lines = [`# ${negotiationTitle}`, '', `## ${version.label}`, ''];
  if (version.summary) lines.push(version.summary, '');
  const separate = version.separateFormat?.pointNumbers ?? [];
  lines.push(`_${version.points.length + separate.length} points, dated ${version.createdAt.slice(0, 10)}._`, '');
  const partyName = (id: string) => parties.find((p) => p.id === id)?.shortName ?? id;
  // Points withheld from the reader keep their place, and only their number.
  const entries: ({ point: Version['points'][number] } | { number: number })[] = [
    ...version.points.map((point) => ({ point })),
    ...separate.map((number) => ({ number })),
  ];
  entries.sort((a, b) => ('point' in a ? a.point.number : a.number) - ('point' in b ? b.point.number : b.number));
  for (const entry of entries) {
    if (!('point' in entry)) {
      lines.push(`### ${entry.number}. Negotiated in a separate format`, '');
      continue;
    }
    const { point } = entry;
    lines.push(`### ${point.number}. ${point.title}`, '', renderPointText(point), '');
    const onPoint = positions
      .filter((p) => p.pointId === point.id)
      .sort((a, b) => partyName(a.partyId).localeCompare(partyName(b.partyId)));
    if (onPoint.length === 0) continue;
    lines.push('Positions:', '');
    for (const position of onPoint) {
      const wording = position.proposedText ? ` — proposes: "${position.proposedText}"` : '';
      const shown =
        position.visibility === 'public'
          ? ''
          : ` _(${position.visibility === 'party' ? 'internal' : 'shared with mediator'})_`;
      const stale = position.stale ? ' _(stale: the point changed since it was taken)_' : '';
      const item = `- **${partyName(position.partyId)}** ${STANCE_WORDS[position.stance]}${wording}${position.rationale ? `: ${position.rationale}` : ''}${shown}${stale}`;
      // Continuation lines are indented so that a text of several paragraphs stays in its list item.
      lines.push(item.replace(/\n/g, '\n  '));
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
