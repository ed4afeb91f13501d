import type { SpeakingTimes } from '@talkrec/contracts';

export interface SpeakingChange {
  sessionId: string;
  displayName?: string;
  userId?: string;
  speaking: boolean;
  /** Wall clock, ms since the epoch. */
  at: number;
}

interface Interval {
  name: string;
  userId?: string;
  startMs: number;
  stopMs: number;
}

/**
 * Who spoke when, from the page's speaking reports, as Talk's speaking-times sidecar. Talk reads every
 * timestamp as integer milliseconds (`SpeakerAttribution` matches them against subtitle times) and
 * prefers the relative ones, which are on the recording's timeline. An instance that continues a
 * recording starts from the sidecar stored so far.
 */
export class SpeakingLog {
  private readonly closed: Interval[] = [];
  private readonly open = new Map<string, Omit<Interval, 'stopMs'>>();

  constructor(previous?: SpeakingTimes) {
    for (const i of previous?.intervals ?? []) {
      this.closed.push({
        name: i.participantName,
        ...(i.participantUserId ? { userId: i.participantUserId } : {}),
        startMs: i.startTimestamp,
        stopMs: i.stopTimestamp,
      });
    }
  }

  get isEmpty(): boolean {
    return this.closed.length === 0 && this.open.size === 0;
  }

  apply(change: SpeakingChange): void {
    const current = this.open.get(change.sessionId);
    if (change.speaking) {
      if (current) return;
      this.open.set(change.sessionId, {
        name: change.displayName ?? change.userId ?? 'Guest',
        ...(change.userId ? { userId: change.userId } : {}),
        startMs: Math.round(change.at),
      });
      return;
    }
    if (!current) return;
    this.open.delete(change.sessionId);
    this.closed.push({ ...current, stopMs: Math.round(change.at) });
  }

  /** The sidecar of the media from `beginWallMs` to `endWallMs`: speech outside it is cut off. */
  sidecar(beginWallMs: number, endWallMs: number): SpeakingTimes {
    const begin = Math.round(beginWallMs);
    const end = Math.round(endWallMs);
    const all = [...this.closed, ...[...this.open.values()].map((o) => ({ ...o, stopMs: end }))];
    const intervals = all
      .map((i) => ({ ...i, startMs: Math.max(i.startMs, begin), stopMs: Math.min(i.stopMs, end) }))
      .filter((i) => i.stopMs > i.startMs)
      .sort((a, b) => a.startMs - b.startMs || a.stopMs - b.stopMs)
      .map((i) => ({
        participantName: i.name,
        ...(i.userId ? { participantUserId: i.userId } : {}),
        startTimestamp: i.startMs,
        stopTimestamp: i.stopMs,
        startTimestampRelative: i.startMs - begin,
        stopTimestampRelative: i.stopMs - begin,
      }));
    return { recordingStartTimestamp: begin, intervals };
  }
}
