import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaObjects, type OutputProfile, type SegmentRef, type VideoGeometry } from '@talkrec/contracts';
import { partObjects } from '../src/core/part-meta.js';
import type { SyntheticSegment } from '../src/bench/synthetic-capture.js';
import { EncoderHarness } from './harness.js';
import {
  avOffsetsMs,
  beepOnsets,
  decodeAudio,
  decodeLuma,
  flashOnsets,
  median,
  onePassAudio,
  seamReport,
  streamStarts,
} from './analysis.js';

const geometry: VideoGeometry = { width: 320, height: 240, fps: 30 };
const mp4: OutputProfile = {
  kind: 'video',
  container: 'mp4',
  crf: 25,
  preset: 'veryfast',
  audioBitrateKbps: 128,
};
const mkv: OutputProfile = { ...mp4, container: 'mkv' };
/** Capture delays its audio input to compensate the measured lead (capture-notes §8). */
const AUDIO_OFFSET_S = 0.12;

function report(what: string, values: object) {
  process.stdout.write(`${JSON.stringify({ what, ...values })}\n`);
}

describe('encoder: video recordings through a real nats-server', () => {
  let h: EncoderHarness;
  let six: SyntheticSegment[];
  beforeAll(async () => {
    h = await EncoderHarness.start({ ENCODE_CONCURRENCY: '2' });
    six = await h.capture({ segmentS: 1, count: 6, video: geometry, audioOffsetS: AUDIO_OFFSET_S });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('joins 100 one-second segments into one MP4: exact duration, A/V in sync, no click at any cut', async () => {
    const id = h.newRecordingId();
    const segments = await h.capture({
      segmentS: 1,
      count: 100,
      video: geometry,
      audioOffsetS: AUDIO_OFFSET_S,
    });
    const refs = await h.store(id, segments, true);
    const parts = await h.encodeAll(id, refs, mp4, geometry, 600_000);
    const sum = parts.reduce((s, p) => s + p.durationMs, 0);
    await h.assemble(id, parts, mp4, geometry, true);
    const done = await h.recordingEncoded(id, 300_000);
    const file = await h.download(done.object, 'hundred.mp4', done.sha256);
    const [left, right] = await decodeAudio(file);
    const luma = await decodeLuma(file);
    const offsets = avOffsetsMs(flashOnsets(luma, 30), beepOnsets(right));
    const cuts = refs.slice(1).map((r) => r.startMs / 1000);
    const seams = seamReport(left, cuts);
    // The same windows of a one-pass AAC encode of the captured audio (which starts AUDIO_OFFSET_S in).
    const [refLeft] = await onePassAudio(
      segments.map((s) => s.file),
      'aac',
      h.dir,
    );
    const reference = seamReport(
      refLeft,
      cuts.map((c) => c - AUDIO_OFFSET_S),
    );
    report('100 segments, mp4', {
      durationMs: done.durationMs,
      sumOfParts: sum,
      frames: luma.length,
      pairs: offsets.length,
      avMedianMs: median(offsets),
      avMinMs: Math.min(...offsets),
      avMaxMs: Math.max(...offsets),
      ...seams,
      reference,
    });
    expect(done.video).toEqual({ codec: 'h264', width: 320, height: 240, fps: 30 });
    expect(luma.length).toBe(3000);
    expect(sum).toBe(100_000);
    // One frame per segment is the brief's bound; the audio may run up to one AAC frame past the video.
    expect(Math.abs(done.durationMs - sum)).toBeLessThanOrEqual(100 * (1000 / 30));
    expect(Math.abs(done.durationMs - sum)).toBeLessThanOrEqual(1000 / 30);
    expect(offsets.length).toBe(100);
    expect(Math.max(...offsets.map(Math.abs))).toBeLessThan(1000 / 30);
    expect(seams.seamWorst).toBeLessThan(2 * Math.max(reference.seamWorst, reference.elsewhereP99));
    expect(
      h.logs.filter((l) => l.msg === 'part timing' || l.msg === 'audio timing bridged at the cut'),
    ).toEqual([]);
    const poster = await h.media.getBytes(mediaObjects.poster(id));
    expect(done.posterObject).toBe(mediaObjects.poster(id));
    expect([...poster!.subarray(0, 2)]).toEqual([0xff, 0xd8]);
  }, 900_000);

  it('assembles Matroska with A/V in sync', async () => {
    const id = h.newRecordingId();
    const refs = await h.store(id, six.slice(0, 3), true);
    const parts = await h.encodeAll(id, refs, mkv, geometry);
    await h.assemble(id, parts, mkv, geometry);
    const done = await h.recordingEncoded(id);
    expect(done.mime).toBe('video/x-matroska');
    const file = await h.download(done.object, 'three.mkv', done.sha256);
    const starts = await streamStarts(file);
    const offsets = avOffsetsMs(
      flashOnsets(await decodeLuma(file), 30),
      beepOnsets((await decodeAudio(file))[1]),
      starts,
    );
    report('3 segments, mkv', { durationMs: done.durationMs, starts, offsets });
    expect(offsets.length).toBe(3);
    expect(Math.max(...offsets.map(Math.abs))).toBeLessThan(1000 / 30);
  }, 300_000);

  /** Segments 0–2 from one capture, then 4–5 from the instance that took over (3 was lost). */
  function takeover(refs: SegmentRef[]): SegmentRef[] {
    return [
      ...refs.slice(0, 3),
      ...refs.slice(4).map((r, i) => ({ ...r, index: 3 + i, gapBeforeMs: i === 0 ? 1000 : 0 })),
    ];
  }

  it.each([
    ['without', false],
    ['with', true],
  ])(
    'fills a takeover gap %s the previous segment: black and silence, A/V still in sync',
    async (_, withPrevious) => {
      const id = h.newRecordingId();
      const refs = takeover(await h.store(id, six, true));
      for (const [i, ref] of refs.entries()) {
        const previous = i > 0 && (ref.gapBeforeMs === 0 || withPrevious) ? refs[i - 1] : undefined;
        await h.publishSegment(id, ref, previous, mp4, geometry);
      }
      const parts = [];
      for (const ref of refs) {
        const e = await h.segmentEncoded(id, ref.index);
        parts.push({
          index: ref.index,
          object: e.object,
          startMs: ref.startMs,
          durationMs: e.durationMs,
          gapBeforeMs: ref.gapBeforeMs,
        });
      }
      await h.assemble(id, parts, mp4, geometry);
      const done = await h.recordingEncoded(id);
      const file = await h.download(done.object, `gap-${withPrevious}.mp4`, done.sha256);
      const luma = await decodeLuma(file);
      const [left, right] = await decodeAudio(file);
      const offsets = avOffsetsMs(flashOnsets(luma, 30), beepOnsets(right));
      const gapLuma = Math.max(...luma.subarray(3 * 30 + 1, 4 * 30 - 1));
      const gapAudio = Math.max(...left.subarray(3 * 48_000 + 4800, 4 * 48_000 - 4800).map(Math.abs));
      report(`takeover gap, ${withPrevious ? 'with' : 'without'} previous`, {
        durationMs: done.durationMs,
        gapMs: done.gapMs,
        frames: luma.length,
        offsets,
        gapLuma,
        gapAudio,
      });
      expect(done.gapMs).toBe(1000);
      expect(luma.length).toBe(180);
      expect(gapLuma).toBeLessThan(20);
      expect(gapAudio).toBeLessThan(0.01);
      expect(offsets.length).toBe(5);
      expect(Math.max(...offsets.map(Math.abs))).toBeLessThan(1000 / 30);
    },
    300_000,
  );

  it('answers a redelivered segment job and assembly from what is stored, without redoing them', async () => {
    const id = h.newRecordingId();
    const refs = await h.store(id, six.slice(0, 2), true);
    const parts = await h.encodeAll(id, refs, mp4, geometry);
    const video = partObjects(id, 1, mp4).video!;
    const before = await h.media.store.info(video);
    const job = await h.publishSegment(id, refs[1]!, refs[0], mp4, geometry);
    await h.tap.waitFor(
      (m) =>
        (m.json as { recordingId?: string; index?: number; at?: string }).recordingId === id &&
        (m.json as { index?: number }).index === 1 &&
        (m.json as { at: string }).at > job.at,
    );
    expect((await h.media.store.info(video))?.nuid).toBe(before?.nuid);
    await h.assemble(id, parts, mp4, geometry);
    const first = await h.recordingEncoded(id);
    const final = await h.media.store.info(first.object);
    const again = await h.assemble(id, parts, mp4, geometry);
    const second = await h.tap.waitFor(
      (m) =>
        (m.json as { object?: string; at?: string }).object === first.object &&
        (m.json as { at: string }).at > again.at,
    );
    expect((second.json as { sha256: string }).sha256).toBe(first.sha256);
    expect((await h.media.store.info(first.object))?.nuid).toBe(final?.nuid);
    expect(h.logs.some((l) => l.msg === 'part already encoded, announcing again')).toBe(true);
    expect(h.logs.some((l) => l.msg === 'recording already assembled, announcing again')).toBe(true);
  }, 300_000);

  it('fails a corrupt segment with a reason naming it and the ffmpeg error', async () => {
    const id = h.newRecordingId();
    const [ref] = await h.store(id, six.slice(0, 1), true);
    const garbage = new TextEncoder().encode('this is not a matroska file '.repeat(200));
    const stored = await h.media.putBytes(ref!.object, garbage);
    await h.publishSegment(id, { ...ref!, sha256: stored.sha256, index: 7 }, undefined, mp4, geometry);
    const failure = await h.stageFailed(id);
    report('corrupt segment', { code: failure.code, reason: failure.reason });
    expect(failure.code).toBe('segment_corrupt');
    expect(failure.reason).toMatch(/^segment 7 \(/);
    expect(failure.reason).toMatch(/ffmpeg: .*(Invalid data|EBML)/);
  }, 120_000);

  it('fails a segment whose checksum does not match, without retrying', async () => {
    const id = h.newRecordingId();
    const [ref] = await h.store(id, six.slice(0, 1), true);
    await h.publishSegment(id, { ...ref!, sha256: 'f'.repeat(64) }, undefined, mp4, geometry);
    const failure = await h.stageFailed(id);
    expect(failure.code).toBe('segment_checksum');
    expect(failure.attempt).toBe(1);
    expect(failure.reason).toMatch(/^segment 0 \(.*expected f{64}/);
  }, 120_000);

  it('fails an assembly whose part is missing', async () => {
    const id = h.newRecordingId();
    const refs = await h.store(id, six.slice(0, 2), true);
    const parts = await h.encodeAll(id, refs, mp4, geometry);
    await h.media.delete(partObjects(id, 1, mp4).audio);
    await h.assemble(id, parts, mp4, geometry);
    const failure = await h.stageFailed(id);
    expect(failure.code).toBe('part_missing');
    expect(failure.reason).toContain('000001.audio.aac');
  }, 120_000);

  it('leaves no scratch files behind, whatever happened to the jobs', async () => {
    expect(await readdir(h.scratch)).toEqual([]);
  });
});
