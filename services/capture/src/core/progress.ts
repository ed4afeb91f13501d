/** One `-progress` block of ffmpeg (emitted every `-stats_period`). */
export interface GrabProgress {
  /** Output media time written so far, in microseconds. */
  outTimeUs: number;
  frame: number;
  /** Frames duplicated / dropped to keep the constant frame rate. */
  dup: number;
  drop: number;
  /** Processing speed (1.0 = real time); undefined while ffmpeg reports N/A. */
  speed: number | undefined;
  /** True on the last block (ffmpeg is ending). */
  end: boolean;
}

const num = (v: string | undefined) => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};

/** Turns ffmpeg's `key=value` progress lines into blocks; feed it chunks as they arrive. */
export class ProgressParser {
  private partial = '';
  private fields = new Map<string, string>();

  push(chunk: string): GrabProgress[] {
    const blocks: GrabProgress[] = [];
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.trim();
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      if (key !== 'progress') {
        this.fields.set(key, value);
        continue;
      }
      const f = this.fields;
      const speed = /^([\d.]+)x$/.exec(f.get('speed') ?? '');
      blocks.push({
        outTimeUs: num(f.get('out_time_us')),
        frame: num(f.get('frame')),
        dup: num(f.get('dup_frames')),
        drop: num(f.get('drop_frames')),
        speed: speed ? Number(speed[1]) : undefined,
        end: value === 'end',
      });
      this.fields = new Map();
    }
    return blocks;
  }
}

export interface ProgressReading {
  outTimeUs: number;
  /** Wall clock of the reading, ms. */
  atMs: number;
}

/**
 * Media time written per wall-clock time between two readings: real time now, unlike ffmpeg's own
 * `speed`, which averages over the whole grab and hides a recent slowdown. Undefined without two
 * readings apart in time.
 */
export function windowSpeed(before: ProgressReading | undefined, after: ProgressReading): number | undefined {
  if (!before || after.atMs <= before.atMs) return undefined;
  return (after.outTimeUs - before.outTimeUs) / 1000 / (after.atMs - before.atMs);
}
