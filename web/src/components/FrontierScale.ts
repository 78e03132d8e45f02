/** The utility range a chart shows: the data's, with a margin, within [0, 1] where the data allow. */
export function utilityDomain(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let low = Math.min(...values);
  let high = Math.max(...values);
  const pad = Math.max((high - low) * 0.1, 0.02);
  low -= pad;
  high += pad;
  if (low < 0 && Math.min(...values) >= 0) low = 0;
  if (high > 1 && Math.max(...values) <= 1) high = 1;
  return [low, high];
}

/** Five evenly spaced ticks over the domain, with as many decimals as their spacing needs. */
export function ticks([low, high]: [number, number]): { value: number; label: string }[] {
  const step = (high - low) / 4;
  const decimals = Math.min(4, Math.max(1, Math.ceil(-Math.log10(step)) + 1));
  return Array.from({ length: 5 }, (_, i) => {
    const value = low + step * i;
    return { value, label: value.toFixed(decimals) };
  });
}

export function scale([low, high]: [number, number], [from, to]: [number, number]) {
  return (value: number) => from + ((value - low) / (high - low || 1)) * (to - from);
}

/** Short words for the labels inside a chart (the table and the titles give the full names). */
export function shortMark(mark: string): string {
  if (mark === 'Kalai-Smorodinsky') return 'K-S';
  if (mark === 'Maximum welfare') return 'max welfare';
  if (mark === 'Egalitarian') return 'egalitarian';
  if (mark === 'Current draft') return 'draft';
  return mark;
}
