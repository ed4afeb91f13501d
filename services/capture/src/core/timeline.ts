/** What a stored segment says about its place on the recording's timeline. */
export interface PlacedSegment {
  index: number;
  /** Milliseconds since the recording began. */
  startMs: number;
  durationMs: number;
  /** Wall clock (ms since the epoch) at which the segment's media began. */
  wallStartMs: number;
}

/** Where this instance's capture continues the recording. */
export interface ResumePoint {
  nextIndex: number;
  /** Last index stored before this instance started; -1 when none. */
  lastIndex: number;
  /** End of the stored media on the recording's timeline (ms). */
  storedEndMs: number;
  /** Wall clock of the recording's time 0, when it is already fixed (stored media, or a known start). */
  beginWallMs: number | undefined;
}

/**
 * The resume point from the segments already stored (any instance), else from the time the state says
 * media first flowed (an earlier instance started but stored nothing), else a fresh start.
 */
export function resumePoint(stored: readonly PlacedSegment[], startedAtMs?: number): ResumePoint {
  if (stored.length === 0) {
    return { nextIndex: 0, lastIndex: -1, storedEndMs: 0, beginWallMs: startedAtMs };
  }
  const last = stored.reduce((a, b) => (b.index > a.index ? b : a));
  return {
    nextIndex: last.index + 1,
    lastIndex: last.index,
    storedEndMs: last.startMs + last.durationMs,
    beginWallMs: last.wallStartMs - last.startMs,
  };
}

export interface SegmentPlacement {
  startMs: number;
  durationMs: number;
  gapBeforeMs: number;
  wallStartMs: number;
}

/**
 * Places this instance's segments on the recording's timeline. ffmpeg reports each segment's start
 * and end in seconds after `clockBaseMs` (the grab's output time 0). The first segment after a
 * takeover starts where the wall clock says, but never before the stored end (clocks of two hosts may
 * differ a little); the difference is the gap of call time nobody recorded.
 */
export class InstanceTimeline {
  private shiftMs: number | undefined;
  private beginMs: number | undefined;
  private gapPending = true;
  private endMs: number | undefined;

  constructor(
    private readonly resume: ResumePoint,
    private readonly clockBaseMs: number,
  ) {
    this.beginMs = resume.beginWallMs;
  }

  /** Wall clock of the recording's time 0 (this grab's start when nothing came before it). */
  get beginWallMs(): number {
    return this.beginMs ?? this.clockBaseMs;
  }

  /** Wall clock at the end of the last placed segment (of the stored media before this grab, until then). */
  get endWallMs(): number {
    return this.beginWallMs + (this.endMs ?? this.resume.storedEndMs);
  }

  /**
   * Call once per segment, in order; the first one with any duration carries the gap. A segment starts
   * where the previous one ended: the muxer's end of one segment and start of the next can differ by a
   * fraction of a millisecond (audio packet timing), which must not open 1 ms holes in the timeline.
   */
  place(startS: number, endS: number): SegmentPlacement {
    const wallStart = this.clockBaseMs + startS * 1000;
    const wallEnd = this.clockBaseMs + endS * 1000;
    const begin = (this.beginMs ??= wallStart);
    if (this.shiftMs === undefined) {
      const raw = wallStart - begin;
      this.shiftMs = Math.max(Math.round(raw), this.resume.storedEndMs) - raw;
    }
    const startMs = this.endMs ?? Math.round(wallStart - begin + this.shiftMs);
    const endMs = Math.max(startMs, Math.round(wallEnd - begin + this.shiftMs));
    this.endMs = endMs;
    const durationMs = endMs - startMs;
    let gapBeforeMs = 0;
    if (this.gapPending && durationMs > 0) {
      gapBeforeMs = Math.max(0, startMs - this.resume.storedEndMs);
      this.gapPending = false;
    }
    return { startMs, durationMs, gapBeforeMs, wallStartMs: begin + startMs };
  }
}
