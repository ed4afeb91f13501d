import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIO_CONTAINERS, AudioCodec, type OutputProfile, type VideoGeometry } from '@talkrec/contracts';
import type { SyntheticSegment } from '../src/bench/synthetic-capture.js';
import { EncoderHarness } from './harness.js';
import { decodeAudio, lagOf, onePassAudio, seamReport } from './analysis.js';

const geometry: VideoGeometry = { width: 320, height: 240, fps: 30 };
const PROBED: Record<AudioCodec, string> = {
  aac: 'aac',
  mp3: 'mp3',
  opus: 'opus',
  flac: 'flac',
  wav: 'pcm_s16le',
};

/** What the capture recorded: every segment's audio back to back. */
async function sourceAudio(segments: SyntheticSegment[]): Promise<[Float32Array, Float32Array]> {
  const decoded = await Promise.all(segments.map((s) => decodeAudio(s.file)));
  const join = (c: 0 | 1) => {
    const out = new Float32Array(decoded.reduce((n, d) => n + d[c].length, 0));
    let at = 0;
    for (const d of decoded) {
      out.set(d[c], at);
      at += d[c].length;
    }
    return out;
  };
  return [join(0), join(1)];
}

describe('encoder: audio-only recordings, every codec and container', () => {
  let h: EncoderHarness;
  let segments: SyntheticSegment[];
  let source: [Float32Array, Float32Array];
  beforeAll(async () => {
    h = await EncoderHarness.start();
    // 10 ms packets: the cuts land on whole milliseconds, so startMs places every segment exactly.
    segments = await h.capture({ segmentS: 1, count: 4, audioPacketSamples: 480 });
    source = await sourceAudio(segments);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const combos = AudioCodec.options.flatMap((codec) =>
    AUDIO_CONTAINERS[codec].map((container) => ({ codec, container })),
  );

  it.each(combos)(
    '$codec in $container',
    async ({ codec, container }) => {
      const id = h.newRecordingId();
      const output = {
        kind: 'audio',
        codec,
        container,
        bitrateKbps: codec === 'opus' ? 64 : 128,
      } as OutputProfile;
      const refs = await h.store(id, segments, false);
      const parts = await h.encodeAll(id, refs, output, geometry);
      await h.assemble(id, parts, output, geometry);
      const done = await h.recordingEncoded(id);
      expect(done.container).toBe(container);
      expect(done.audio?.codec).toBe(PROBED[codec]);
      expect(done.video).toBeUndefined();
      const file = await h.download(done.object, `${codec}.${container}`, done.sha256);
      const [left, right] = await decodeAudio(file);
      const lag = lagOf(source[1], right, 3000);
      const seams = seamReport(left.subarray(lag), [1, 2, 3]);
      const timing = h.logs.filter(
        (l) => l.msg === 'part timing' || l.msg === 'audio timing bridged at the cut',
      );
      process.stdout.write(
        `${JSON.stringify({ codec, container, mime: done.mime, durationMs: done.durationMs, lag, decoded: left.length, source: source[0].length, ...seams })}\n`,
      );
      const errors = h.logs.filter(
        (l) => ['warn', 'error', 'fatal'].includes(l.level) && l.msg !== 'part timing',
      );
      expect(errors).toEqual([]);
      expect(timing).toEqual([]);
      if (codec === 'flac' || codec === 'wav') {
        // Lossless: the delivered samples are exactly the captured ones.
        expect(lag).toBe(0);
        expect(left.length).toBe(source[0].length);
        expect(left.every((v, i) => v === source[0][i])).toBe(true);
        expect(right.every((v, i) => v === source[1][i])).toBe(true);
      } else {
        expect(done.durationMs).toBeGreaterThanOrEqual(3990);
        expect(done.durationMs).toBeLessThan(4000 + 50);
        // The same windows of a one-pass encode of the same samples: the seams add nothing audible.
        const [refLeft] = await onePassAudio(
          segments.map((s) => s.file),
          codec,
          h.dir,
        );
        const reference = seamReport(
          refLeft.subarray(
            lagOf(
              source[1],
              (
                await onePassAudio(
                  segments.map((s) => s.file),
                  codec,
                  h.dir,
                )
              )[1],
              3000,
            ),
          ),
          [1, 2, 3],
        );
        process.stdout.write(`${JSON.stringify({ codec, container, reference })}\n`);
        expect(seams.seamWorst).toBeLessThan(2 * Math.max(reference.seamWorst, reference.elsewhereP99));
      }
    },
    120_000,
  );
});

describe('encoder: audio-only cuts that fall between milliseconds', () => {
  let h: EncoderHarness;
  beforeAll(async () => {
    h = await EncoderHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('still places every segment to the sample: the packet timestamps carry what startMs rounds off', async () => {
    // 1024-sample packets: cuts at 1.002667 s, 2.005333 s, … but startMs says 1003, 2005, …
    const segments = await h.capture({ segmentS: 1, count: 4, audioPacketSamples: 1024 });
    const id = h.newRecordingId();
    const output: OutputProfile = { kind: 'audio', codec: 'aac', container: 'm4a', bitrateKbps: 128 };
    const refs = await h.store(id, segments, false);
    const parts = await h.encodeAll(id, refs, output, geometry);
    await h.assemble(id, parts, output, geometry);
    const done = await h.recordingEncoded(id);
    const [left] = await decodeAudio(await h.download(done.object, 'sub-ms.m4a', done.sha256));
    const holes = h.logs
      .filter((l) => l.msg === 'audio timing bridged at the cut')
      .map((l) => l.samples as number);
    const seams = seamReport(
      left,
      refs.slice(1).map((r) => r.startMs / 1000),
    );
    process.stdout.write(
      `${JSON.stringify({ what: 'audio-only, sub-ms cuts', holes, startMs: refs.map((r) => r.startMs), ...seams })}\n`,
    );
    expect(holes).toEqual([]);
    expect(seams.seamWorst).toBeLessThan(2 * seams.elsewhereP99);
  }, 120_000);
});
