import { describe, expect, it } from 'vitest';
import { ProgressParser, windowSpeed } from './progress.js';

const block = (speed: string, progress: string) =>
  `frame=752\nfps=30.56\nstream_0_0_q=-1.0\nbitrate=N/A\ntotal_size=N/A\nout_time_us=24756000\nout_time_ms=24756000\nout_time=00:00:24.756000\ndup_frames=14\ndrop_frames=3\nspeed=${speed}\nprogress=${progress}\n`;

describe('ProgressParser', () => {
  it('emits one block per progress line, across chunk boundaries', () => {
    const parser = new ProgressParser();
    const text = block('1.01x', 'continue') + block('N/A', 'end');
    const cut = 100;
    const blocks = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
    expect(blocks).toEqual([
      { outTimeUs: 24_756_000, frame: 752, dup: 14, drop: 3, speed: 1.01, end: false },
      { outTimeUs: 24_756_000, frame: 752, dup: 14, drop: 3, speed: undefined, end: true },
    ]);
  });

  it('emits nothing until a block is complete', () => {
    expect(new ProgressParser().push('frame=1\nout_time_us=33000\n')).toEqual([]);
  });
});

describe('windowSpeed', () => {
  it('is media time per wall time between two readings', () => {
    expect(windowSpeed({ outTimeUs: 10_000_000, atMs: 1_000 }, { outTimeUs: 15_000_000, atMs: 6_000 })).toBe(
      1,
    );
    expect(windowSpeed({ outTimeUs: 0, atMs: 0 }, { outTimeUs: 4_000_000, atMs: 5_000 })).toBe(0.8);
    expect(windowSpeed(undefined, { outTimeUs: 1, atMs: 1 })).toBeUndefined();
  });
});
