import type { RecordingState } from '@talkrec/contracts';

export interface RetentionPolicy {
  /** Media of a delivered recording stays this long after the upload was confirmed (ms). */
  uploadedGraceMs: number;
  /** Media of a failed recording stays this long after the failure, for a retry (ms). */
  failedRetentionMs: number;
}

export type RetentionVerdict =
  { purge: true; why: 'uploaded' | 'failed-expired' } | { purge: false; why: string; until?: string };

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Whether a recording's media may be deleted now: only once its upload is confirmed and the grace is
 * over, or once it failed longer ago than the retention time. Everything else keeps its media.
 */
export function retentionVerdict(s: RecordingState, now: number, p: RetentionPolicy): RetentionVerdict {
  if (s.state === 'done') {
    const until = Date.parse(s.upload?.confirmedAt ?? s.updatedAt) + p.uploadedGraceMs;
    return until <= now
      ? { purge: true, why: 'uploaded' }
      : { purge: false, why: 'uploaded; within the grace after upload', until: iso(until) };
  }
  if (s.state === 'failed') {
    const until = Date.parse(s.failure?.at ?? s.updatedAt) + p.failedRetentionMs;
    return until <= now
      ? { purge: true, why: 'failed-expired' }
      : { purge: false, why: 'failed; kept for a retry', until: iso(until) };
  }
  return { purge: false, why: `the recording is ${s.state}` };
}
