import { describe, expect, it } from 'vitest';
import { formatTable, summaryLine, type ScenarioResult } from './report.js';

const ok: ScenarioResult = {
  name: 'kill -9 capture',
  passed: true,
  recordings: 1,
  lost: 0,
  seconds: 61.2,
  detail: 'taken over',
};
const lostOne: ScenarioResult = { ...ok, name: '507', passed: false, lost: 1, detail: 'failed' };

describe('fault run report', () => {
  it('ends with the judged JSON line: scenarios, passed, and every lost recording counted', () => {
    expect(JSON.parse(summaryLine([ok, lostOne]))).toEqual({ scenarios: 2, passed: 1, recordingsLost: 1 });
    expect(JSON.parse(summaryLine([ok]))).toEqual({ scenarios: 1, passed: 1, recordingsLost: 0 });
  });

  it('shows each scenario with its result and delivered count', () => {
    const table = formatTable([ok, lostOne]).split('\n');
    expect(table[0]).toMatch(/^scenario\s+result\s+delivered/);
    expect(table[2]).toMatch(/^kill -9 capture\s+pass\s+1\/1\s+61 s\s+taken over$/);
    expect(table[3]).toMatch(/^507\s+FAIL\s+0\/1/);
  });
});
