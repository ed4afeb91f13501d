const MPEG1_LAYER3_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG1_RATES = [44_100, 48_000, 32_000];

/**
 * Raw MPEG-1 Layer III frames (what libmp3lame writes without a Xing header) split into frames. With
 * the bit reservoir off every frame carries its own data, so frames of different encodes can be joined.
 */
export function splitMp3(data: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let i = 0;
  while (i < data.length) {
    const b1 = data[i + 1] ?? 0;
    const b2 = data[i + 2] ?? 0;
    if (i + 4 > data.length || data[i] !== 0xff || (b1 & 0xfe) !== 0xfa) {
      throw new Error(`MPEG-1 Layer III sync lost at byte ${i}`);
    }
    const kbps = MPEG1_LAYER3_KBPS[b2 >> 4];
    const rate = MPEG1_RATES[(b2 >> 2) & 0x03];
    if (!kbps || !rate) throw new Error(`unsupported MP3 frame header at byte ${i}`);
    const length = Math.floor((144_000 * kbps) / rate) + ((b2 >> 1) & 0x01);
    if (i + length > data.length) throw new Error(`MP3 frame at byte ${i} is truncated`);
    frames.push(data.subarray(i, i + length));
    i += length;
  }
  return frames;
}
