/** What one fault scenario did to the recordings it watched. */
export interface ScenarioResult {
  name: string;
  passed: boolean;
  /** Recordings the scenario expected to be delivered. */
  recordings: number;
  /** Of those, how many were not delivered (no `done`, or no playable file of the right length). */
  lost: number;
  seconds: number;
  detail: string;
}

export function scenarioLine(r: ScenarioResult): string {
  return JSON.stringify({
    scenario: r.name,
    passed: r.passed,
    recordings: r.recordings,
    lost: r.lost,
    seconds: Number(r.seconds.toFixed(1)),
    detail: r.detail,
  });
}

/** The closing line the fault run is judged by (shared/docs/bench.md). */
export function summaryLine(results: readonly ScenarioResult[]): string {
  return JSON.stringify({
    scenarios: results.length,
    passed: results.filter((r) => r.passed).length,
    recordingsLost: results.reduce((sum, r) => sum + r.lost, 0),
  });
}

export function formatTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => [
    r.name,
    r.passed ? 'pass' : 'FAIL',
    `${r.recordings - r.lost}/${r.recordings}`,
    `${r.seconds.toFixed(0)} s`,
    r.detail,
  ]);
  const header = ['scenario', 'result', 'delivered', 'time', 'what happened'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
