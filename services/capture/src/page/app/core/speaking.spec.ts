import { describe, expect, it } from 'vitest';
import { SpeakingDetector } from './speaking.js';

const options = { onLevel: 0.02, offLevel: 0.01, attackMs: 200, releaseMs: 1_000 };

/** Feeds one level per 100 ms from `start`; returns the changes. */
function feed(detector: SpeakingDetector, levels: number[], start = 0) {
  return levels.flatMap((level, i) => {
    const change = detector.sample(level, start + i * 100);
    return change ? [change] : [];
  });
}

describe('SpeakingDetector', () => {
  it('starts after sustained speech, dated to its first loud sample', () => {
    const d = new SpeakingDetector(options);
    expect(feed(d, [0, 0.1, 0.1, 0.1])).toEqual([{ speaking: true, at: 100 }]);
    expect(d.speaking).toBe(true);
  });

  it('ignores a click shorter than the attack time', () => {
    const d = new SpeakingDetector(options);
    expect(feed(d, [0.5, 0, 0.5, 0, 0.5, 0])).toEqual([]);
  });

  it('keeps speaking through pauses shorter than the release time and between the two thresholds', () => {
    const d = new SpeakingDetector(options);
    const levels = [
      0.1, 0.1, 0.1, 0, 0, 0, 0, 0.1, 0.015, 0.015, 0.015, 0.015, 0.015, 0.015, 0.015, 0.015, 0.015, 0.015,
      0.015,
    ];
    expect(feed(d, levels)).toEqual([{ speaking: true, at: 0 }]);
  });

  it('stops after the release time of silence, dated to its first quiet sample', () => {
    const d = new SpeakingDetector(options);
    const changes = feed(d, [0.1, 0.1, 0.1, 0.1, ...Array<number>(12).fill(0)]);
    expect(changes).toEqual([
      { speaking: true, at: 0 },
      { speaking: false, at: 400 },
    ]);
    expect(d.since).toBe(400);
  });
});
