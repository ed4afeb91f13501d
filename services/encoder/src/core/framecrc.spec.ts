import { describe, expect, it } from 'vitest';
import { layoutFromFramecrc, parseFramecrc } from './framecrc.js';

/** As `ffmpeg -i segment.mkv -map 0 -c copy -f framecrc` prints it for a capture segment. */
const SAMPLE = `#extradata 0:       38, 0xde440a58
#software: Lavf59.27.100
#tb 0: 1/1000
#media_type 0: video
#codec_id 0: h264
#dimensions 0: 320x240
#sar 0: 1/1
#tb 1: 1/1000
#media_type 1: audio
#codec_id 1: pcm_s16le
#sample_rate 1: 48000
#channel_layout_name 1: stereo
0,          0,          0,       33,      243, 0xd25d852c
1,         16,         16,       21,     4096, 0xc2edebe0
0,         33,         33,       33,       11, 0x09cf02c2, F=0x0
1,         37,         37,       21,     4096, 0x8cb705a2
1,         59,         59,       21,     4096, 0x623ee7dc
0,         67,         67,       33,     9710, 0xb0d55d8b, F=0x0
`;

describe('framecrc', () => {
  it('reads streams and packets', () => {
    const crc = parseFramecrc(SAMPLE);
    expect(crc.streams).toEqual([
      { index: 0, tickS: 0.001, mediaType: 'video', codec: 'h264', width: 320, height: 240 },
      { index: 1, tickS: 0.001, mediaType: 'audio', codec: 'pcm_s16le', sampleRate: 48_000, channels: 2 },
    ]);
    expect(crc.packets).toHaveLength(6);
    expect(crc.packets[2]).toEqual({ stream: 0, pts: 33, duration: 33, size: 11 });
  });

  it('turns them into the segment layout: frame count, exact PCM length, sub-ms audio start', () => {
    const layout = layoutFromFramecrc(parseFramecrc(SAMPLE), 3072);
    expect(layout.video).toEqual({
      codec: 'h264',
      width: 320,
      height: 240,
      frames: 3,
      startS: 0,
      lastS: 0.067,
    });
    expect(layout.audio?.samples).toBe(3072);
    expect(layout.audio?.codec).toBe('pcm_s16le');
    expect(layout.audio?.startS).toBeCloseTo(0.016, 3);
    expect(layoutFromFramecrc(parseFramecrc(SAMPLE), undefined).audio).toBeUndefined();
  });
});
