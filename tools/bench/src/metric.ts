/** One figure, as ../shared/docs/bench.md defines the output contract. */
export interface Metric {
  metric: string;
  value: number;
  unit: string;
  /** Runs the value is the median of. */
  n?: number;
  note?: string;
}

export function parseMetricLine(line: string): Metric | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const m = JSON.parse(line) as Partial<Metric>;
    if (typeof m.metric === 'string' && typeof m.value === 'number' && typeof m.unit === 'string') {
      return m as Metric;
    }
  } catch {
    // Not a metric line: a bench's own progress output.
  }
  return undefined;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function formatTable(metrics: Metric[]): string {
  const rows = metrics.map((m) => [
    m.metric,
    formatValue(m.value),
    m.unit,
    m.n === undefined ? '' : String(m.n),
    m.note ?? '',
  ]);
  const header = ['metric', 'value', 'unit', 'n', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(3);
}
