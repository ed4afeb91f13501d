import { describe, expect, it } from 'vitest';
import type { AssembleJob, OutputProfile } from '@talkrec/contracts';
import { planAssembly, type StoredPart } from './assembly-plan.js';
import type { LossyPartMeta } from './part-meta.js';

const video: OutputProfile = {
  kind: 'video',
  container: 'mp4',
  crf: 25,
  preset: 'veryfast',
  audioBitrateKbps: 128,
};
const job = (output: OutputProfile, n: number): AssembleJob => ({
  v: 1,
  recordingId: 'rec_01M85G4Q0CM31H6QDC1ZT2A04N',
  at: '2026-11-24T00:00:00.000Z',
  parts: Array.from({ length: n }, (_, i) => ({
    index: i,
    object: `o${i}`,
    startMs: i * 10_000,
    durationMs: 10_000,
    gapBeforeMs: 0,
  })),
  output,
  video: { width: 1280, height: 720, fps: 30 },
  fileName: 'Recording.mp4',
  poster: false,
});
const aac = (
  firstFrame: number,
  ownedEnd: number,
  tailEnd: number,
  sampleEnd = tailEnd * 1024 - 1024,
): LossyPartMeta => ({
  kind: 'audio-lossy',
  key: 'k',
  codec: 'aac',
  firstFrame,
  ownedEnd,
  tailEnd,
  sampleEnd,
});
const part = (
  index: number,
  startFrame: number,
  endFrame: number,
  audio: StoredPart['audio'],
): StoredPart => ({
  index,
  video: { kind: 'video', key: 'k', startFrame, endFrame, fps: 30 },
  audio,
});

describe('assembly plans', () => {
  it('take each part’s own frames and the last part’s tail; the duration is the frames’', () => {
    const plan = planAssembly(job(video, 3), [
      part(0, 0, 300, aac(0, 467, 470)),
      part(1, 300, 600, aac(467, 936, 939)),
      part(2, 600, 900, aac(936, 1405, 1408, 1_440_000)),
    ]);
    expect(plan.audio).toEqual({
      kind: 'lossy',
      codec: 'aac',
      skip: [0, 0, 0],
      take: [467, 469, 472],
      endSample: 1_440_000,
    });
    expect(plan.video).toEqual({ durationsS: [10, 10, 10], frames: 900, fps: 30, durationS: 30 });
    expect(plan.expectedDurationS).toBe(30);
    expect(plan.toleranceS).toBeCloseTo(3 / 30 + 2048 / 48_000, 9);
    expect(plan.warnings).toEqual([]);
  });

  it('after an estimated takeover seam: skips what the part before covers, or uses its tail', () => {
    const early = planAssembly(job(video, 2), [
      part(0, 0, 300, aac(0, 467, 470)),
      part(1, 300, 600, aac(463, 936, 939)),
    ]);
    expect(early.audio).toMatchObject({ skip: [0, 4], take: [467, 472] });
    const late = planAssembly(job(video, 2), [
      part(0, 0, 300, aac(0, 467, 470)),
      part(1, 300, 600, aac(469, 936, 939)),
    ]);
    expect(late.audio).toMatchObject({ skip: [0, 0], take: [469, 470] });
    expect(() =>
      planAssembly(job(video, 2), [part(0, 0, 300, aac(0, 467, 470)), part(1, 300, 600, aac(471, 936, 939))]),
    ).toThrow(/audio frames 470…471 before part 1 are in no part/);
  });

  it('keeps a video part that starts late in its place on the timeline', () => {
    const plan = planAssembly(job(video, 2), [
      part(0, 0, 300, aac(0, 467, 470)),
      part(1, 301, 600, aac(467, 936, 939)),
    ]);
    expect(plan.video?.durationsS).toEqual([301 / 30, 299 / 30]);
    expect(plan.video?.frames).toBe(599);
    expect(plan.expectedDurationS).toBe(20);
    expect(plan.warnings).toEqual(['video part 1 starts at frame 301, expected 300']);
  });

  it('joins lossless parts whole and says where they do not meet', () => {
    const flac: OutputProfile = { kind: 'audio', codec: 'flac', container: 'flac' };
    const ll = (index: number, startSample: number, endSample: number): StoredPart => ({
      index,
      audio: { kind: 'audio-lossless', key: 'k', codec: 'flac', startSample, endSample },
    });
    const plan = planAssembly(job(flac, 2), [ll(0, 0, 48_000), ll(1, 48_010, 96_000)]);
    expect(plan.audio).toEqual({ kind: 'lossless', durationsS: [1, 47_990 / 48_000], endSample: 95_990 });
    expect(plan.expectedDurationS).toBeCloseTo(95_990 / 48_000, 9);
    expect(plan.warnings).toEqual(['audio part 1 starts at sample 48010, expected 48000']);
  });

  it('refuses parts made for another output', () => {
    expect(() => planAssembly(job(video, 1), [{ index: 0, audio: aac(0, 1, 2) }])).toThrow(
      /part 0 has no video/,
    );
    const opus: OutputProfile = { kind: 'audio', codec: 'opus', container: 'ogg' };
    expect(() => planAssembly(job(opus, 1), [{ index: 0, audio: aac(0, 1, 2) }])).toThrow(/not opus audio/);
    expect(() => planAssembly(job(video, 1), [part(0, 0, 300, aac(3, 467, 470))])).toThrow(/does not start/);
    expect(() =>
      planAssembly(job(video, 2), [part(1, 0, 300, aac(0, 467, 470)), part(0, 300, 600, aac(467, 936, 939))]),
    ).toThrow(/not in ascending order/);
  });
});
