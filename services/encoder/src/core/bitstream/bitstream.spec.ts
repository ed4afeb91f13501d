import { describe, expect, it } from 'vitest';
import { splitAdts } from './adts.js';
import { splitMp3 } from './mp3.js';
import { FLAG_BOS, FLAG_EOS, concatBytes, oggCrc, oggPage, readOggPackets } from './ogg.js';
import { OggOpusWriter, opusTags, parseOpusHead } from './opus.js';

/** An ADTS header for a frame of `length` bytes (7-byte header, no CRC), then filler. */
function adtsFrame(length: number, fill: number): Uint8Array {
  const f = new Uint8Array(length).fill(fill);
  f.set([
    0xff,
    0xf1,
    0x4c,
    0x80 | ((length >> 11) & 0x03),
    (length >> 3) & 0xff,
    ((length & 0x07) << 5) | 0x1f,
    0xfc,
  ]);
  return f;
}

/** An MPEG-1 Layer III header (48 kHz, 128 kbit/s → 384 bytes, +1 when padded). */
function mp3Frame(padding: boolean): Uint8Array {
  const f = new Uint8Array(384 + (padding ? 1 : 0));
  f.set([0xff, 0xfb, 0x94 | (padding ? 0x02 : 0), 0x64]);
  return f;
}

const head = (() => {
  const h = new Uint8Array(19);
  h.set(new TextEncoder().encode('OpusHead'));
  h.set([1, 2, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0], 8);
  return h;
})();

describe('bitstreams', () => {
  it('splits ADTS into frames and refuses a broken stream', () => {
    const frames = splitAdts(concatBytes([adtsFrame(300, 1), adtsFrame(7, 2), adtsFrame(1000, 3)]));
    expect(frames.map((f) => [f.length, f[8]])).toEqual([
      [300, 1],
      [7, undefined],
      [1000, 3],
    ]);
    expect(() => splitAdts(new Uint8Array([0xff, 0xf1, 0, 0]))).toThrow(/sync lost at byte 0/);
    expect(() => splitAdts(adtsFrame(300, 1).subarray(0, 200))).toThrow(/truncated/);
  });

  it('splits MPEG-1 Layer III frames by their headers', () => {
    expect(
      splitMp3(concatBytes([mp3Frame(false), mp3Frame(true), mp3Frame(false)])).map((f) => f.length),
    ).toEqual([384, 385, 384]);
    expect(() => splitMp3(new Uint8Array(10))).toThrow(/sync lost/);
  });

  it('computes Ogg’s CRC (the check value of "123456789" for CRC-32/MPEG-2 variant without xorout)', () => {
    expect(oggCrc(new TextEncoder().encode('123456789'))).toBe(0x89a1897f);
  });

  it('writes Ogg pages that it reads back, packets split over 255-byte lacing, CRCs checked', () => {
    const big = new Uint8Array(700).fill(7);
    const pages = concatBytes([
      oggPage([head], 0n, 9, 0, FLAG_BOS),
      oggPage([big, new Uint8Array(255)], 960n, 9, 1, FLAG_EOS),
    ]);
    const packets = readOggPackets(pages);
    expect(packets.map((p) => p.length)).toEqual([19, 700, 255]);
    const broken = pages.slice();
    broken[40] = broken[40]! ^ 0xff;
    expect(() => readOggPackets(broken)).toThrow(/fails its CRC/);
  });

  it('writes Ogg Opus: pre-skip in the head, granules counting decoded samples, the end trimmed', () => {
    const opus = parseOpusHead(head);
    expect(opus).toMatchObject({ channels: 2, preSkip: 312 });
    const writer = new OggOpusWriter(5);
    const out = writer.begin(opus, 'talkrec');
    for (let i = 0; i < 120; i++) {
      const page = writer.push(new Uint8Array([i]));
      if (page) out.push(page);
    }
    out.push(writer.end(BigInt(312 + 119 * 960 + 100)));
    const granules = out.map((p) => new DataView(p.buffer, p.byteOffset).getBigInt64(6, true));
    expect(granules).toEqual([0n, 0n, 50n * 960n, 100n * 960n, BigInt(312 + 119 * 960 + 100)]);
    expect(out.map((p) => p[5])).toEqual([FLAG_BOS, 0, 0, 0, FLAG_EOS]);
    const packets = readOggPackets(concatBytes(out));
    expect(packets).toHaveLength(122);
    expect(new TextDecoder().decode(packets[1]!.subarray(0, 8))).toBe('OpusTags');
    expect(packets[121]).toEqual(new Uint8Array([119]));
    expect(opusTags('x')).toHaveLength(17);
  });

  it('never trims more than the last packet', () => {
    const writer = new OggOpusWriter(5);
    writer.begin(parseOpusHead(head), 'x');
    writer.push(new Uint8Array([1]));
    writer.push(new Uint8Array([2]));
    const last = writer.end(10n);
    expect(new DataView(last.buffer, last.byteOffset).getBigInt64(6, true)).toBe(961n);
  });
});
