import { useId } from 'react';
import { describePackage, summarize, type Axis } from './FrontierScatter';
import { formatUtility, type SettlementPackage } from './SettlementPackages';

const W = 640;
const ROW = 30;
const M = { left: 230, right: 60, top: 24, bottom: 8 };
const LIMIT = 40;

/** One party's utility per package as horizontal bars (0 to 1): the chart of an analysis on one party's own data. */
export function FrontierBars({
  packages,
  axis,
  caption,
}: {
  packages: SettlementPackage[];
  axis: Axis;
  caption: string;
}) {
  const titleId = useId();
  const shown = packages.filter((p) => p.utilities[axis.id] !== undefined).slice(0, LIMIT);
  const H = M.top + M.bottom + ROW * shown.length;
  const sx = (u: number) => M.left + Math.max(0, Math.min(1, u)) * (W - M.left - M.right);
  return (
    <figure className="settle-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={titleId}
        className="settle-svg"
        data-testid="frontier-bars"
      >
        <title id={titleId}>
          {caption}: {summarize(shown, [axis])}
        </title>
        <text className="settle-axis-label" x={M.left} y={14}>
          Utility for {axis.name}, from 0 to 1 →
        </text>
        {shown.map((p, i) => {
          const y = M.top + i * ROW;
          const u = p.utilities[axis.id]!;
          const marks = p.marks.filter((m) => m !== p.name);
          return (
            <g key={p.key}>
              <title>{describePackage(p, [axis])}</title>
              <text className="settle-tick" x={M.left - 8} y={y + ROW / 2 + 4} textAnchor="end">
                {p.name}
                {marks.length ? ` (${marks.length} solution${marks.length > 1 ? 's' : ''})` : ''}
              </text>
              <rect
                className={p.isDraft && p.marks.length === 1 ? 'settle-bar-draft' : 'settle-bar'}
                x={M.left}
                y={y + 6}
                width={sx(u) - M.left}
                height={ROW - 12}
              />
              <text className="settle-tick" x={sx(u) + 6} y={y + ROW / 2 + 4}>
                {formatUtility(u)}
              </text>
            </g>
          );
        })}
        <line className="settle-axis" x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} />
      </svg>
      <figcaption className="hint">
        {caption}
        {packages.length > LIMIT ? ` (the first ${LIMIT} of ${packages.length})` : ''}. The table below lists the same
        packages, with the solutions each one is.
      </figcaption>
    </figure>
  );
}
