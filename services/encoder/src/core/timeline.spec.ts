import { describe, expect, it } from 'vitest';
import type { SegmentRef } from '@talkrec/contracts';
import { estimateAudioStart, estimatedPreviousEnd, placeSegment } from './timeline.js';

const ref = (over: Partial<SegmentRef> = {}): SegmentRef => ({
  index: 3,
  object: 'o',
  container: 'mkv',
  startMs: 30_000,
  durationMs: 10_000,
  sha256: 'a'.repeat(64),
  hasVideo: true,
  hasAudio: true,
  gapBeforeMs: 0,
  ...over,
});

describe('timeline', () => {
  it('places video on the frame grid and audio from its start estimate', () => {
    const layout = {
      video: { codec: 'h264', width: 1280, height: 720, frames: 300, startS: 0, lastS: 9.967 },
      audio: { codec: 'pcm_s16le', samples: 480_512, startS: 0.016 },
    };
    expect(placeSegment(ref({ startMs: 10_033 }), layout, 30)).toEqual({
      video: { start: 301, end: 601 },
      // 301 frames = 10.0333… s, + 16 ms.
      audio: { start: 482_368, end: 962_880 },
    });
    // The same segment read as part of either neighbouring job lands on the same samples.
    expect(placeSegment(ref({ startMs: 10_033 }), layout, 30)).toEqual(
      placeSegment(ref({ startMs: 10_033 }), layout, 30),
    );
  });

  it('counts frames by their timestamps, so frames capture dropped keep their place', () => {
    const layout = { video: { codec: 'h264', width: 1, height: 1, frames: 298, startS: 0, lastS: 9.967 } };
    expect(placeSegment(ref({ startMs: 0 }), layout, 30).video).toEqual({ start: 0, end: 300 });
  });

  it('places audio-only segments from startMs', () => {
    expect(
      placeSegment(
        ref({ startMs: 1_010 }),
        { audio: { codec: 'pcm_s16le', samples: 48_000, startS: 0 } },
        undefined,
      ),
    ).toEqual({
      audio: { start: 48_480, end: 96_480 },
    });
  });

  it('gives a segment without audio silence as long as its video', () => {
    const layout = { video: { codec: 'h264', width: 1, height: 1, frames: 30, startS: 0, lastS: 0.967 } };
    expect(placeSegment(ref({ startMs: 1000 }), layout, 30)).toEqual({
      video: { start: 30, end: 60 },
      audio: { start: 96_000, end: 96_000 },
    });
  });

  it('estimates where the previous part ended from startMs − gapBeforeMs', () => {
    expect(estimatedPreviousEnd(ref({ index: 0, startMs: 0 }), 30)).toEqual({
      video: { start: 0, end: 0 },
      audio: { start: 0, end: 0 },
    });
    expect(estimatedPreviousEnd(ref({ startMs: 40_000, gapBeforeMs: 10_000 }), 30)).toEqual({
      video: { start: 900, end: 900 },
      audio: { start: 1_440_000, end: 1_440_000 },
    });
    expect(estimatedPreviousEnd(ref({ startMs: 1_003, gapBeforeMs: 0 }), undefined)).toEqual({
      audio: { start: 48_144, end: 48_144 },
    });
  });

  it('finds the first sample time to a fraction of Matroska’s millisecond from all packets', () => {
    // 1024-sample packets from 16.0 ms, timestamps rounded to whole ms as Matroska stores them.
    const packets = Array.from({ length: 40 }, (_, k) => ({
      pts: Math.round(16 + (k * 1024) / 48),
      samples: 1024,
    }));
    expect(packets.slice(0, 3).map((p) => p.pts)).toEqual([16, 37, 59]);
    expect(estimateAudioStart(packets, 0.001, 48_000)).toBeCloseTo(0.016, 5);
    // Timestamps that contradict each other (jitter) fall back to the median.
    const jittery = [
      { pts: 10, samples: 480 },
      { pts: 25, samples: 480 },
      { pts: 30, samples: 480 },
    ];
    expect(estimateAudioStart(jittery, 0.001, 48_000)).toBeCloseTo(0.01, 6);
    expect(estimateAudioStart([], 0.001, 48_000)).toBe(0);
  });
});
