import { useId } from 'react';
import { describePackage, summarize, type Axis } from './FrontierScatter';
import { scale, shortMark, ticks, utilityDomain } from './FrontierScale';
import type { SettlementPackage } from './SettlementPackages';

const W = 680;
const H = 400;
const M = { left: 56, right: 130, top: 36, bottom: 40 };

/**
 * The frontier of three or more parties as parallel coordinates: one vertical axis per party's
 * utility (the same scale on each), one line per package; the bargaining solutions drawn thick and
 * named at the right, the draft dashed.
 */
export function ParallelCoordinates({
  packages,
  axes,
  caption,
}: {
  packages: SettlementPackage[];
  axes: Axis[];
  caption: string;
}) {
  const titleId = useId();
  const shown = packages.filter((p) => axes.every((a) => p.utilities[a.id] !== undefined));
  const domain = utilityDomain(shown.flatMap((p) => axes.map((a) => p.utilities[a.id]!)));
  const sy = scale(domain, [H - M.bottom, M.top]);
  const sx = (i: number) => (axes.length === 1 ? M.left : M.left + (i * (W - M.left - M.right)) / (axes.length - 1));
  const pointsOf = (p: SettlementPackage) => axes.map((a, i) => `${sx(i)},${sy(p.utilities[a.id]!)}`).join(' ');
  const plain = shown.filter((p) => p.marks.length === 0);
  const marked = shown.filter((p) => p.marks.length > 0);
  const last = axes.length - 1;
  const labels = new Map<number, string[]>();
  for (const p of marked) {
    const y = Math.round(sy(p.utilities[axes[last]!.id]!));
    const words = labels.get(y) ?? [];
    for (const mark of p.marks) if (!words.includes(shortMark(mark))) words.push(shortMark(mark));
    labels.set(y, words);
  }
  return (
    <figure className="settle-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={titleId}
        className="settle-svg"
        data-testid="frontier-parallel"
      >
        <title id={titleId}>
          {caption}: {summarize(shown, axes)}
        </title>
        {ticks(domain).map((t) => (
          <g key={t.label} aria-hidden="true">
            <line className="settle-grid" x1={M.left} x2={sx(last)} y1={sy(t.value)} y2={sy(t.value)} />
            <text className="settle-tick" x={M.left - 8} y={sy(t.value) + 4} textAnchor="end">
              {t.label}
            </text>
          </g>
        ))}
        {axes.map((a, i) => (
          <g key={a.id}>
            <line className="settle-axis" x1={sx(i)} x2={sx(i)} y1={M.top} y2={H - M.bottom} />
            <text className="settle-axis-label" x={sx(i)} y={M.top - 14} textAnchor="middle">
              {a.name}
            </text>
          </g>
        ))}
        {plain.map((p) => (
          <polyline key={p.key} className="settle-line" points={pointsOf(p)}>
            <title>{describePackage(p, axes)}</title>
          </polyline>
        ))}
        {marked.map((p) => (
          <polyline
            key={p.key}
            className={p.marks.every((m) => m === 'Current draft') ? 'settle-line-draft' : 'settle-line-solution'}
            points={pointsOf(p)}
          >
            <title>{describePackage(p, axes)}</title>
          </polyline>
        ))}
        {marked.map((p) =>
          axes.map((a, i) => (
            <circle
              key={`${p.key}-${a.id}`}
              className={p.isDraft && p.marks.length === 1 ? 'settle-draft' : 'settle-solution-dot'}
              cx={sx(i)}
              cy={sy(p.utilities[a.id]!)}
              r={4}
              aria-hidden="true"
            />
          )),
        )}
        {[...labels.entries()].map(([y, words]) => (
          <text
            key={y}
            className="settle-label"
            x={sx(last) + 10}
            y={y + 4 - ((words.length - 1) * 14) / 2}
            aria-hidden="true"
          >
            {words.map((w, i) => (
              <tspan key={w} x={sx(last) + 10} dy={i === 0 ? 0 : 14}>
                {w}
              </tspan>
            ))}
          </text>
        ))}
      </svg>
      <figcaption className="hint">
        {caption}. One axis per party, the same utility scale on each; one line per frontier package; thick and named:
        the bargaining solutions; dashed: the current draft. The table below lists the same packages.
      </figcaption>
    </figure>
  );
}
