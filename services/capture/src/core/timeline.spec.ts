import { describe, expect, it } from 'vitest';
import { InstanceTimeline, resumePoint } from './timeline.js';

const BASE = 1_795_000_000_000;

describe('resumePoint', () => {
  it('starts fresh at index 0 when nothing is stored and media never flowed', () => {
    expect(resumePoint([])).toEqual({ nextIndex: 0, lastIndex: -1, storedEndMs: 0, beginWallMs: undefined });
  });

  it('continues after the last stored segment, on the stored timeline', () => {
    const stored = [
      { index: 0, startMs: 0, durationMs: 10_000, wallStartMs: BASE },
      { index: 1, startMs: 10_000, durationMs: 4_920, wallStartMs: BASE + 10_000 },
    ];
    expect(resumePoint(stored)).toEqual({
      nextIndex: 2,
      lastIndex: 1,
      storedEndMs: 14_920,
      beginWallMs: BASE,
    });
  });

  it('dates the recording from when media first flowed when an earlier instance stored nothing', () => {
    expect(resumePoint([], BASE)).toEqual({ nextIndex: 0, lastIndex: -1, storedEndMs: 0, beginWallMs: BASE });
  });
});

describe('InstanceTimeline', () => {
  it('places a fresh grab from 0 with contiguous segments and no gap', () => {
    const t = new InstanceTimeline(resumePoint([]), BASE);
    expect(t.place(0, 10)).toEqual({ startMs: 0, durationMs: 10_000, gapBeforeMs: 0, wallStartMs: BASE });
    expect(t.place(10, 20.0333)).toEqual({
      startMs: 10_000,
      durationMs: 10_033,
      gapBeforeMs: 0,
      wallStartMs: BASE + 10_000,
    });
    expect(t.beginWallMs).toBe(BASE);
    expect(t.endWallMs).toBe(BASE + 20_033);
  });

  it('puts a takeover on the recording timeline with the lost call time as the first gap', () => {
    const stored = [{ index: 3, startMs: 30_000, durationMs: 5_000, wallStartMs: BASE + 30_000 }];
    const t = new InstanceTimeline(resumePoint(stored), BASE + 52_000);
    expect(t.place(0, 10)).toEqual({
      startMs: 52_000,
      durationMs: 10_000,
      gapBeforeMs: 17_000,
      wallStartMs: BASE + 52_000,
    });
    expect(t.place(10, 12.5)).toMatchObject({ startMs: 62_000, durationMs: 2_500, gapBeforeMs: 0 });
  });

  it('starts each segment where the previous one ended, whatever sub-millisecond jitter the muxer reports', () => {
    const t = new InstanceTimeline(resumePoint([]), BASE);
    t.place(0, 4.0024);
    expect(t.place(4.0031, 8.0016)).toMatchObject({ startMs: 4_002, durationMs: 4_000 });
    expect(t.place(8.0019, 12.0004)).toMatchObject({ startMs: 8_002, durationMs: 3_998 });
  });

  it('never places a takeover before the stored end, even when the new host clock is behind', () => {
    const stored = [{ index: 0, startMs: 0, durationMs: 10_000, wallStartMs: BASE }];
    const t = new InstanceTimeline(resumePoint(stored), BASE + 9_950);
    expect(t.place(0, 10)).toMatchObject({ startMs: 10_000, durationMs: 10_000, gapBeforeMs: 0 });
    expect(t.place(10, 20).startMs).toBe(20_000);
  });

  it('gives the gap to the first segment that has any duration', () => {
    const stored = [{ index: 0, startMs: 0, durationMs: 10_000, wallStartMs: BASE }];
    const t = new InstanceTimeline(resumePoint(stored), BASE + 20_000);
    expect(t.place(0, 0).durationMs).toBe(0);
    expect(t.place(0, 10).gapBeforeMs).toBe(10_000);
  });

  it('counts from the time media first flowed when nothing was stored before the takeover', () => {
    const t = new InstanceTimeline(resumePoint([], BASE), BASE + 18_000);
    expect(t.place(0, 10)).toMatchObject({ startMs: 18_000, gapBeforeMs: 18_000 });
    expect(t.beginWallMs).toBe(BASE);
  });
});
