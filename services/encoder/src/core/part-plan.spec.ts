import { describe, expect, it } from 'vitest';
import type { EncodeSegmentJob, OutputProfile, SegmentRef } from '@talkrec/contracts';
import { AAC, AUDIO_CODECS, MP3, OPUS, type LossyCodec } from './audio-codecs.js';
import { keepPartPackets, planPart, seamFrame, type LossyAudioPartPlan, type PartPlan } from './part-plan.js';
import type { SegmentLayout } from './timeline.js';

const FPS = 30;
const RATE = 48_000;

/**
 * Segments as capture's segment muxer cuts them: a cut every `frames[i]` frames, audio in 1024-sample
 * packets starting `audioOffsetS` in, each packet in the segment its start falls in, timestamps
 * rounded to Matroska's millisecond.
 */
function capture(frames: number[], audioOffsetS = 0.12): Array<{ ref: SegmentRef; layout: SegmentLayout }> {
  const cuts = [0];
  for (const f of frames) cuts.push(cuts[cuts.length - 1]! + f);
  const packetS = 1024 / RATE;
  return frames.map((f, i) => {
    const cutS = cuts[i]! / FPS;
    const endS = cuts[i + 1]! / FPS;
    const first = Math.max(0, Math.ceil((cutS - audioOffsetS) / packetS - 1e-9));
    const last = Math.ceil((endS - audioOffsetS) / packetS - 1e-9);
    const pts = Array.from({ length: last - first }, (_, k) =>
      Math.round((audioOffsetS + (first + k) * packetS - cutS) * 1000),
    );
    const samples = (last - first) * 1024;
    const startS = pts.reduce(
      (best, p, k) => Math.max(best, p / 1000 - (k * 1024) / RATE - 0.0005),
      -Infinity,
    );
    const high = pts.reduce((best, p, k) => Math.min(best, p / 1000 - (k * 1024) / RATE + 0.0005), Infinity);
    return {
      ref: {
        index: i,
        object: `rec/capture/${i}.mkv`,
        container: 'mkv',
        startMs: Math.round(cutS * 1000),
        durationMs: Math.round((endS - cutS) * 1000),
        sha256: 'a'.repeat(64),
        hasVideo: true,
        hasAudio: true,
        gapBeforeMs: 0,
      },
      layout: {
        video: {
          codec: 'h264',
          width: 1280,
          height: 720,
          frames: f,
          startS: 0,
          lastS: Math.round(((f - 1) * 1000) / FPS) / 1000,
        },
        audio: { codec: 'pcm_s16le', samples, startS: (startS + high) / 2 },
      },
    };
  });
}

const video: OutputProfile = {
  kind: 'video',
  container: 'mp4',
  crf: 25,
  preset: 'veryfast',
  audioBitrateKbps: 128,
};
const audioOnly = (codec: 'aac' | 'mp3' | 'opus' | 'flac' | 'wav'): OutputProfile => ({
  kind: 'audio',
  codec,
  container: codec === 'opus' ? 'ogg' : codec === 'aac' ? 'm4a' : codec,
  bitrateKbps: 64,
});

function planAll(output: OutputProfile, segs = capture([300, 300, 299, 301, 300, 300])): PartPlan[] {
  return segs.map(({ ref, layout }, i) => {
    const job: EncodeSegmentJob = {
      v: 1,
      recordingId: 'rec_01M85G4Q0CM31H6QDC1ZT2A04N',
      at: '2026-11-24T00:00:00.000Z',
      segment: ref,
      ...(i > 0 ? { previous: segs[i - 1]!.ref } : {}),
      output,
      video: { width: 1280, height: 720, fps: FPS },
    };
    return planPart(job, { current: layout, previous: segs[i - 1]?.layout });
  });
}

describe('part plans', () => {
  it('tile the recording: every part starts on the frame and grid frame where the one before ended', () => {
    const plans = planAll(video);
    expect(plans[0]!.video).toMatchObject({ startFrame: 0, endFrame: 300, trimFrames: 0, padFrames: 0 });
    for (let i = 1; i < plans.length; i++) {
      expect(plans[i]!.video!.startFrame).toBe(plans[i - 1]!.video!.endFrame);
      const [a, b] = [plans[i - 1]!.audio as LossyAudioPartPlan, plans[i]!.audio as LossyAudioPartPlan];
      expect(b.firstFrame).toBe(a.ownedEnd);
      expect(plans[i]!.audioHole).toBe(0);
      expect(plans[i]!.warnings).toEqual([]);
    }
    expect(plans.map((p) => p.durationMs)).toEqual([10_000, 10_000, 9967, 10_033, 10_000, 10_000]);
  });

  it.each([AAC, MP3, OPUS])(
    'keep $codec frames whose decoding needs only samples the segment has',
    (codec: LossyCodec) => {
      const plans = planAll(audioOnly(codec.codec), capture([300, 300, 300], 0));
      for (const p of plans) {
        const a = p.audio as LossyAudioPartPlan;
        expect(
          a.ownedEnd * codec.frameSamples - codec.delaySamples + codec.lookaheadSamples,
        ).toBeLessThanOrEqual(a.sampleEnd);
        expect(a.tailEnd * codec.frameSamples - codec.delaySamples).toBeGreaterThanOrEqual(a.sampleEnd);
        expect(a.inputStart).toBe((a.firstFrame - codec.prerollFrames) * codec.frameSamples);
        expect(a.pieces.reduce((n, x) => n + x.count, 0)).toBe(a.inputEnd - a.inputStart);
      }
      expect((plans[0]!.audio as LossyAudioPartPlan).firstFrame).toBe(0);
      // The seam is on the grid frame that ends `lookahead` before the previous segment's end.
      const second = plans[1]!.audio as LossyAudioPartPlan;
      expect(second.firstFrame).toBe(seamFrame(codec, (plans[0]!.audio as LossyAudioPartPlan).sampleEnd));
      // Pre-roll comes from the previous segment, then the current one follows without a gap.
      expect(second.pieces.map((x) => x.kind)).toEqual(['copy', 'copy']);
    },
  );

  it.each(['flac', 'wav'] as const)('join %s parts exactly at the segment cuts', (codec) => {
    const plans = planAll(audioOnly(codec), capture([300, 300, 300], 0));
    expect(plans.map((p) => (p.audio.kind === 'lossless' ? [p.audio.start, p.audio.end] : []))).toEqual([
      [0, 480_256],
      [480_256, 960_512],
      [960_512, 1_440_768],
    ]);
    expect(AUDIO_CODECS[codec].kind).toBe('lossless');
  });

  it('puts black frames and silence before the first segment after a takeover gap', () => {
    const segs = capture([300, 300, 300]);
    const after = { ref: { ...segs[2]!.ref, index: 1, gapBeforeMs: 10_000 }, layout: segs[2]!.layout };
    const job: EncodeSegmentJob = {
      v: 1,
      recordingId: 'rec_01M85G4Q0CM31H6QDC1ZT2A04N',
      at: '2026-11-24T00:00:00.000Z',
      segment: after.ref,
      output: video,
      video: { width: 1280, height: 720, fps: FPS },
    };
    const plan = planPart(job, { current: after.layout });
    expect(plan.video).toMatchObject({
      startFrame: 300,
      endFrame: 900,
      padFrames: 300,
      pad: 'black',
      trimFrames: 0,
    });
    const audio = plan.audio as LossyAudioPartPlan;
    // Estimated seam, started 4 frames early; the assembler skips what the part before covers.
    expect(audio.firstFrame).toBe(seamFrame(AAC, 480_000) - 4);
    const segmentStart = Math.round((20 + after.layout.audio!.startS) * RATE);
    expect(audio.pieces[0]).toEqual({ kind: 'silence', count: segmentStart - audio.inputStart });
    expect(plan.warnings).toEqual(['no previous segment: start estimated from startMs − gapBeforeMs']);
  });

  it('keeps exactly the part’s packets, and notices an encoder whose delay changed', () => {
    const plan = planAll(video)[1]!.audio as LossyAudioPartPlan;
    const count = Math.ceil((plan.inputEnd - plan.inputStart + AAC.delaySamples) / AAC.frameSamples);
    const packets = Array.from({ length: count }, (_, i) => i);
    const kept = keepPartPackets(plan, packets);
    expect(kept[0]).toBe(AAC.prerollFrames);
    expect(kept).toHaveLength(plan.tailEnd - plan.firstFrame);
    expect(() => keepPartPackets(plan, packets.slice(1))).toThrow(/encoder wrote .* packets/);
  });

  it('refuses a video recording whose segment has no video', () => {
    const [seg] = capture([300]);
    const job = {
      v: 1,
      recordingId: 'r',
      at: 'x',
      segment: seg!.ref,
      output: video,
      video: { width: 1280, height: 720, fps: FPS },
    } as EncodeSegmentJob;
    expect(() => planPart(job, { current: { audio: seg!.layout.audio! } })).toThrow(/has no video stream/);
  });
});
