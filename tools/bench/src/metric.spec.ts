import { describe, expect, it } from 'vitest';
import { formatTable, median, parseMetricLine } from './metric.js';

describe('bench output contract', () => {
  it('reads metric lines and ignores everything else', () => {
    expect(parseMetricLine('{"metric":"capture.cpu_cores","value":0.62,"unit":"cores","n":5}')).toEqual({
      metric: 'capture.cpu_cores',
      value: 0.62,
      unit: 'cores',
      n: 5,
    });
    expect(parseMetricLine('warming up')).toBeUndefined();
    expect(parseMetricLine('{"level":"info"}')).toBeUndefined();
  });

  it('takes the median of an odd and an even number of runs', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('prints a table with one row per metric', () => {
    const table = formatTable([{ metric: 'a.b', value: 1.23456, unit: 'x', n: 3, note: 'hi' }]);
    expect(table.split('\n')).toHaveLength(3);
    expect(table).toContain('1.23');
  });
});
