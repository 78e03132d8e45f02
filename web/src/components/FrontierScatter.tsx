import { useId } from 'react';
import { scale, shortMark, ticks, utilityDomain } from './FrontierScale';
import { formatUtility, type SettlementPackage } from './SettlementPackages';

export interface Axis {
  id: string;
  name: string;
}

const W = 640;
const H = 420;
const M = { left: 60, right: 24, top: 20, bottom: 56 };

/** What a package is, in one sentence: its name, the solutions it is, and each plotted party's utility. */
export function describePackage(p: SettlementPackage, axes: Axis[]): string {
  const marks = p.marks.filter((m) => m !== p.name);
  const utilities = axes.map((a) => `${a.name} ${formatUtility(p.utilities[a.id])}`).join(', ');
  return `${p.name}${marks.length ? ` (${marks.join(', ')})` : ''}: ${utilities}`;
}

/** A chart's title: how many packages, and the named ones in words (each dot has its own title too). */
export function summarize(packages: SettlementPackage[], axes: Axis[]): string {
  const named = packages.filter((p) => p.marks.length > 0).map((p) => describePackage(p, axes));
  return `${packages.length} package${packages.length === 1 ? '' : 's'}${named.length ? `; ${named.join('; ')}` : ''}`;
}

/**
 * The Pareto frontier of two parties as a scatter plot: one axis per party's utility, the frontier's
 * packages as dots, the bargaining solutions circled and named, the draft as a square.
 */
export function FrontierScatter({
  packages,
  x,
  y,
  caption,
}: {
  packages: SettlementPackage[];
  x: Axis;
  y: Axis;
  caption: string;
}) {
  const titleId = useId();
  const shown = packages.filter((p) => p.utilities[x.id] !== undefined && p.utilities[y.id] !== undefined);
  const xDomain = utilityDomain(shown.map((p) => p.utilities[x.id]!));
  const yDomain = utilityDomain(shown.map((p) => p.utilities[y.id]!));
  const sx = scale(xDomain, [M.left, W - M.right]);
  const sy = scale(yDomain, [H - M.bottom, M.top]);
  // One label per place: solutions that coincide are named together.
  const labels = new Map<string, { cx: number; cy: number; words: string[] }>();
  for (const p of shown) {
    if (p.marks.length === 0) continue;
    const cx = sx(p.utilities[x.id]!);
    const cy = sy(p.utilities[y.id]!);
    const at = `${Math.round(cx)},${Math.round(cy)}`;
    const label = labels.get(at) ?? { cx, cy, words: [] };
    for (const mark of p.marks) if (!label.words.includes(shortMark(mark))) label.words.push(shortMark(mark));
    labels.set(at, label);
  }
  const plain = shown.filter((p) => p.marks.length === 0);
  const solutions = shown.filter((p) => p.marks.some((m) => m !== 'Current draft'));
  const drafts = shown.filter((p) => p.isDraft);
  return (
    <figure className="settle-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={titleId}
        className="settle-svg"
        data-testid="frontier-scatter"
      >
        <title id={titleId}>
          {caption}: {summarize(shown, [x, y])}
        </title>
        {ticks(xDomain).map((t) => (
          <g key={`x${t.label}`} aria-hidden="true">
            <line className="settle-grid" x1={sx(t.value)} x2={sx(t.value)} y1={M.top} y2={H - M.bottom} />
            <text className="settle-tick" x={sx(t.value)} y={H - M.bottom + 18} textAnchor="middle">
              {t.label}
            </text>
          </g>
        ))}
        {ticks(yDomain).map((t) => (
          <g key={`y${t.label}`} aria-hidden="true">
            <line className="settle-grid" x1={M.left} x2={W - M.right} y1={sy(t.value)} y2={sy(t.value)} />
            <text className="settle-tick" x={M.left - 8} y={sy(t.value) + 4} textAnchor="end">
              {t.label}
            </text>
          </g>
        ))}
        <line className="settle-axis" x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
        <line className="settle-axis" x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} />
        <text className="settle-axis-label" x={(M.left + W - M.right) / 2} y={H - 12} textAnchor="middle">
          Utility for {x.name} →
        </text>
        <text
          className="settle-axis-label"
          transform={`translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)`}
          textAnchor="middle"
        >
          Utility for {y.name} →
        </text>
        {plain.map((p) => (
          <circle key={p.key} className="settle-dot" cx={sx(p.utilities[x.id]!)} cy={sy(p.utilities[y.id]!)} r={5}>
            <title>{describePackage(p, [x, y])}</title>
          </circle>
        ))}
        {solutions.map((p) => (
          <g key={p.key}>
            <title>{describePackage(p, [x, y])}</title>
            <circle className="settle-dot" cx={sx(p.utilities[x.id]!)} cy={sy(p.utilities[y.id]!)} r={5} />
            <circle className="settle-solution" cx={sx(p.utilities[x.id]!)} cy={sy(p.utilities[y.id]!)} r={10} />
          </g>
        ))}
        {drafts.map((p) => (
          <rect
            key={`d${p.key}`}
            className="settle-draft"
            x={sx(p.utilities[x.id]!) - 6}
            y={sy(p.utilities[y.id]!) - 6}
            width={12}
            height={12}
          >
            <title>{describePackage(p, [x, y])}</title>
          </rect>
        ))}
        {[...labels.values()].map((l) => {
          const right = l.cx > (M.left + W - M.right) / 2;
          const x = l.cx + (right ? -14 : 14);
          const height = (l.words.length - 1) * 14;
          // Above the point, unless that leaves the chart: then below it.
          const top = l.cy - 10 - height < M.top ? l.cy + 18 : l.cy - 10 - height;
          return (
            <text
              key={`${l.cx},${l.cy}`}
              className="settle-label"
              x={x}
              y={top}
              textAnchor={right ? 'end' : 'start'}
              aria-hidden="true"
            >
              {l.words.map((w, i) => (
                <tspan key={w} x={x} dy={i === 0 ? 0 : 14}>
                  {w}
                </tspan>
              ))}
            </text>
          );
        })}
      </svg>
      <figcaption className="hint">
        {caption}. Dots: frontier packages; circled and named: the bargaining solutions; square: the current draft. The
        table below lists the same packages.
      </figcaption>
    </figure>
  );
}
