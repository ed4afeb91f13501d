/** Which downloaded segment a run of samples comes from. */
export type PcmSource = 'previous' | 'current';

export interface PlacedSource {
  source: PcmSource;
  /** First and end (exclusive) sample on the recording's timeline. */
  start: number;
  end: number;
}

/** A sample of a source, addressed by its offset in that source's PCM. */
export interface SampleRef {
  source: PcmSource;
  offset: number;
}

export type PcmPiece =
  | { kind: 'copy'; source: PcmSource; offset: number; count: number }
  | { kind: 'silence'; count: number }
  /**
   * A straight line between two samples over a hole of `total` samples, of which this piece is
   * [skip, skip + count): bridges a timing hole of a few samples without a click.
   */
  | { kind: 'ramp'; count: number; from: SampleRef; to: SampleRef; skip: number; total: number };

/** Holes up to this many samples (2 ms) between contiguous segments are bridged, longer ones are silent. */
export const MAX_RAMP_SAMPLES = 96;

type Region =
  | { kind: 'copy'; source: PcmSource; start: number; end: number; offset: number }
  | { kind: 'silence'; start: number; end: number }
  | { kind: 'ramp'; start: number; end: number; from: SampleRef; to: SampleRef };

/**
 * The samples of [from, to) on the recording's timeline, built from the previous and the current
 * segment. Where the two overlap, the previous one wins: the part before this one was encoded from
 * it, and both encoders must see the same signal around their seam. Where they leave a hole, a
 * capture takeover (`gap`) gets silence; a few samples of timing mismatch get a ramp.
 */
export function pcmPieces(
  from: number,
  to: number,
  previous: PlacedSource | undefined,
  current: PlacedSource,
  gap: boolean,
): PcmPiece[] {
  const regions: Region[] = [];
  let cursor = -Infinity;
  if (previous && previous.end > previous.start) {
    regions.push({ kind: 'copy', source: 'previous', start: previous.start, end: previous.end, offset: 0 });
    cursor = previous.end;
  }
  if (current.end > current.start) {
    const hole = current.start - cursor;
    if (previous && previous.end > previous.start && hole > 0) {
      regions.push(
        gap || hole > MAX_RAMP_SAMPLES
          ? { kind: 'silence', start: cursor, end: current.start }
          : {
              kind: 'ramp',
              start: cursor,
              end: current.start,
              from: { source: 'previous', offset: previous.end - previous.start - 1 },
              to: { source: 'current', offset: 0 },
            },
      );
    }
    const start = Math.max(current.start, cursor);
    if (start < current.end) {
      regions.push({
        kind: 'copy',
        source: 'current',
        start,
        end: current.end,
        offset: start - current.start,
      });
    }
  }
  const pieces: PcmPiece[] = [];
  let pos = from;
  for (const r of regions) {
    const start = Math.max(r.start, pos);
    const end = Math.min(r.end, to);
    if (end <= start) continue;
    if (start > pos) pieces.push({ kind: 'silence', count: start - pos });
    const count = end - start;
    if (r.kind === 'copy') {
      pieces.push({ kind: 'copy', source: r.source, offset: r.offset + start - r.start, count });
    } else if (r.kind === 'ramp') {
      pieces.push({
        kind: 'ramp',
        count,
        from: r.from,
        to: r.to,
        skip: start - r.start,
        total: r.end - r.start,
      });
    } else pieces.push({ kind: 'silence', count });
    pos = end;
  }
  if (pos < to) pieces.push({ kind: 'silence', count: to - pos });
  return pieces;
}
