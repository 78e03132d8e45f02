import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ProgressRow } from '../pages/Dashboard';

/** The series of the curve, each with its own colour and dash, so that colour is not the only signal. */
const SERIES: {
  key: 'agreed' | 'contested' | 'brackets' | 'redLinesCrossed';
  label: string;
  stroke: string;
  dash?: number[];
}[] = [
  { key: 'agreed', label: 'Points agreed', stroke: '#1a7f37' },
  { key: 'contested', label: 'Points contested', stroke: '#9a6700', dash: [8, 4] },
  { key: 'brackets', label: 'Brackets open', stroke: '#1f4e79', dash: [2, 3] },
  { key: 'redLinesCrossed', label: 'Red lines crossed', stroke: '#b3261e', dash: [10, 3, 2, 3] },
];

/** The progress curve over the rounds (or the versions), drawn with uPlot; the table beside it holds the same figures. */
export default function ProgressChart({ rows }: { rows: ProgressRow[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = () => Math.max(280, element.clientWidth);
    const data: uPlot.AlignedData = [rows.map((_, i) => i), ...SERIES.map((s) => rows.map((row) => row[s.key]))];
    // Labels shortened to the room each has: the chart's width shared by its points.
    const short = (label: string) => {
      const room = Math.max(6, Math.floor(width() / Math.max(1, rows.length) / 8));
      return label.length > room ? `${label.slice(0, room - 1)}…` : label;
    };
    const plot = new uPlot(
      {
        width: width(),
        height: 260,
        padding: [12, 48, 0, 8],
        legend: { live: false },
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [
          {
            values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) && rows[t] ? short(rows[t].label) : '')),
            splits: () => rows.map((_, i) => i),
          },
          { label: 'count' },
        ],
        series: [
          { label: 'Round', value: (_u, v) => (v === null || !rows[v] ? '' : rows[v].label) },
          ...SERIES.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, dash: s.dash, points: { size: 7 } })),
        ],
      },
      data,
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 260 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [rows]);
  return (
    <figure className="dash-chart">
      <div ref={box} data-testid="progress-chart" aria-hidden="true" />
      <figcaption className="hint">
        Points agreed and contested, brackets open and red lines crossed, at each step; the same figures are in the
        table below.
      </figcaption>
    </figure>
  );
}
