/** An audit entry as the admin API returns it (see core/audit.ts). */
export interface AuditLine {
  at: string;
  recordingId: string;
  backendId?: string;
  roomToken?: string;
  event: string;
  summary: string;
}

/** Per-segment events: many per recording, shown as one line per run. */
const REPEATED: Record<string, string> = {
  'capture.segment': 'captured',
  'encode.segment': 'encoded',
  'capture.participants': 'participant reports',
};

const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function runLine(event: string, run: AuditLine[]): string {
  const first = run[0]!;
  if (event === 'capture.participants') {
    return `${when(first.at)}  ${run.length} ${REPEATED[event]} (last: ${run.at(-1)!.summary})`;
  }
  const indices = run.map((l) => /segment (\d+)/.exec(l.summary)?.[1]).filter(Boolean);
  const range = indices.length > 1 ? `${indices[0]}–${indices.at(-1)}` : (indices[0] ?? '?');
  return `${when(first.at)}  segments ${range} ${REPEATED[event]} (${run.length} events)`;
}

/** A readable timeline: one block per recording, oldest first, per-segment events folded into runs. */
export function formatTimeline(entries: readonly AuditLine[]): string {
  if (!entries.length) return 'no audit entries';
  const byRecording = new Map<string, AuditLine[]>();
  for (const e of entries) byRecording.set(e.recordingId, [...(byRecording.get(e.recordingId) ?? []), e]);
  const blocks: string[] = [];
  for (const [id, lines] of byRecording) {
    const room = lines[0]!.roomToken ? `${lines[0]!.backendId}/${lines[0]!.roomToken}` : '(room unknown)';
    const out = [`${id}  ${room}`];
    for (let i = 0; i < lines.length;) {
      const event = lines[i]!.event;
      if (REPEATED[event]) {
        let j = i;
        while (j < lines.length && lines[j]!.event === event) j++;
        out.push(`  ${runLine(event, lines.slice(i, j))}`);
        i = j;
      } else {
        out.push(`  ${when(lines[i]!.at)}  ${lines[i]!.summary}`);
        i++;
      }
    }
    blocks.push(out.join('\n'));
  }
  return blocks.join('\n\n');
}

export interface PurgeLine {
  recordingId: string;
  state: string;
  why: string;
  until?: string;
  objects: number;
  bytes: number;
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/** The dry run: what would go, and what stays until when. */
export function formatPurgePlan(plan: { purge: PurgeLine[]; keep: PurgeLine[] }): string {
  const line = (p: PurgeLine) =>
    `  ${p.recordingId}  ${p.state.padEnd(10)} ${String(p.objects).padStart(5)} objects ${mib(p.bytes).padStart(10)}  ${p.why}${p.until ? ` (until ${when(p.until)})` : ''}`;
  const total = plan.purge.reduce((n, p) => n + p.bytes, 0);
  return [
    `would purge ${plan.purge.length} recording(s), ${mib(total)}:`,
    ...plan.purge.map(line),
    `keeps ${plan.keep.length} recording(s) with media:`,
    ...plan.keep.map(line),
  ].join('\n');
}
