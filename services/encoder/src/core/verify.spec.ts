import { describe, expect, it } from 'vitest';
import { verifyFinal, type MediaProbe } from './verify.js';

const probe: MediaProbe = {
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  durationS: 30.01,
  video: { codec: 'h264', width: 1280, height: 720, fps: 30, packets: 900 },
  audio: { codec: 'aac', sampleRate: 48_000, channels: 2 },
};
const expectation = {
  video: { width: 1280, height: 720, fps: 30, frames: 900 },
  audioCodec: 'aac',
  durationS: 30,
  toleranceS: 0.1,
};

describe('verifyFinal', () => {
  it('accepts what was asked for', () => {
    expect(verifyFinal(probe, expectation)).toEqual([]);
  });

  it('names every difference', () => {
    expect(
      verifyFinal(
        {
          ...probe,
          durationS: 29,
          video: { codec: 'hevc', width: 640, height: 360, fps: 25, packets: 899 },
          audio: { codec: 'mp3', sampleRate: 48_000, channels: 2 },
        },
        expectation,
      ),
    ).toEqual([
      'video codec hevc, expected h264',
      'video 640x360, expected 1280x720',
      'video at 25 fps, expected 30',
      '899 video frames, expected 900',
      'audio codec mp3, expected aac',
      'duration 29.000 s, expected 30.000 s ± 0.100',
    ]);
    const { video: _v, ...noVideo } = probe;
    expect(verifyFinal({ ...noVideo, durationS: NaN }, expectation)).toEqual([
      'no video stream',
      'duration NaN s, expected 30.000 s ± 0.100',
    ]);
    const { audio: _a, ...noAudio } = probe;
    expect(verifyFinal(noAudio, { audioCodec: 'aac', durationS: 30, toleranceS: 0.1 })).toEqual([
      'unexpected video stream',
      'no audio stream',
    ]);
  });
});
