import { describe, expect, it } from 'vitest';
import type { EncodeSegmentJob } from '@talkrec/contracts';
import { PartMeta, jobKey, parseMeta, partDurationMs, partObjects, primaryObject } from './part-meta.js';
import { expectedPackets, AAC, MP3, OPUS, audioTarget } from './audio-codecs.js';

const job: EncodeSegmentJob = {
  v: 1,
  recordingId: 'rec_01M85G4Q0CM31H6QDC1ZT2A04N',
  at: '2026-11-24T00:00:00.000Z',
  segment: {
    index: 12,
    object: 'o',
    container: 'mkv',
    startMs: 120_000,
    durationMs: 10_000,
    sha256: 'a'.repeat(64),
    hasVideo: true,
    hasAudio: true,
    gapBeforeMs: 0,
  },
  output: { kind: 'video', container: 'mp4', crf: 25, preset: 'veryfast', audioBitrateKbps: 128 },
  video: { width: 1280, height: 720, fps: 30 },
};

describe('part objects and their descriptions', () => {
  it('names a video part’s two objects; the video one is announced', () => {
    const names = partObjects(job.recordingId, 12, job.output);
    expect(names).toEqual({
      video: `${job.recordingId}/encoded/000012.video.mp4`,
      audio: `${job.recordingId}/encoded/000012.audio.aac`,
    });
    expect(primaryObject(names)).toBe(names.video);
    const opus = partObjects(job.recordingId, 1, { kind: 'audio', codec: 'opus', container: 'ogg' });
    expect(opus).toEqual({ audio: `${job.recordingId}/encoded/000001.audio.ogg` });
    expect(primaryObject(opus)).toBe(opus.audio);
  });

  it('keys a job by what it asks for, not when it was sent', () => {
    expect(jobKey({ ...job, at: '2026-11-25T00:00:00.000Z' })).toBe(jobKey(job));
    expect(
      jobKey({
        ...job,
        output: { kind: 'video', container: 'mp4', crf: 23, preset: 'veryfast', audioBitrateKbps: 128 },
      }),
    ).not.toBe(jobKey(job));
  });

  it('reads back only descriptions it wrote', () => {
    const meta = { kind: 'video', key: 'k', startFrame: 0, endFrame: 300, fps: 30 };
    expect(parseMeta(PartMeta, JSON.stringify(meta))).toEqual(meta);
    expect(parseMeta(PartMeta, 'not json')).toBeUndefined();
    expect(parseMeta(PartMeta, '{"kind":"video"}')).toBeUndefined();
    expect(parseMeta(PartMeta, undefined)).toBeUndefined();
    expect(partDurationMs({ kind: 'video', key: 'k', startFrame: 0, endFrame: 299, fps: 30 })).toBe(9967);
    expect(
      partDurationMs({
        kind: 'audio-lossy',
        key: 'k',
        codec: 'aac',
        firstFrame: 0,
        ownedEnd: 469,
        tailEnd: 470,
        sampleEnd: 0,
      }),
    ).toBe(10_005);
    expect(
      partDurationMs({ kind: 'audio-lossless', key: 'k', codec: 'wav', startSample: 0, endSample: 48_000 }),
    ).toBe(1000);
  });

  it('knows how many packets each encoder writes (measured: 10 s → 470 AAC, 418 MP3, 501 Opus)', () => {
    expect([AAC, MP3, OPUS].map((c) => expectedPackets(c, 480_000))).toEqual([470, 418, 501]);
    expect(audioTarget(job.output)).toEqual({ traits: AAC, kbps: 128 });
    expect(audioTarget({ kind: 'audio', codec: 'opus', container: 'ogg' }).kbps).toBe(64);
    expect(audioTarget({ kind: 'audio', codec: 'mp3', container: 'mp3', bitrateKbps: 192 }).kbps).toBe(192);
  });
});
