import { describe, expect, it } from 'vitest';
import {
  AnnouncementResult,
  AudioOutput,
  CaptureJob,
  TalkAnnounceJob,
  RecordingSpec,
  SegmentCaptured,
  StageFailed,
  TalkRoomRequest,
  contractForEventSubject,
  decode,
  encode,
  parseEventSubject,
  subjects,
  type RecordingSpecInput,
} from './index.js';

const RID = 'rec_01JD7ZQ3K4X5Y6Z7A8B9C0D1E2';
const spec: RecordingSpecInput = {
  backend: { id: 'nextcloud', url: 'https://cloud.example.com' },
  room: { token: 'abcd1234' },
  mode: 'video',
  layout: 'speaker',
  video: { width: 1280, height: 720, fps: 30 },
  output: { kind: 'video', container: 'mp4', crf: 25, preset: 'veryfast', audioBitrateKbps: 128 },
  segmentSeconds: 10,
  fileName: 'Recording 2026-11-23 10-00-00.mp4',
  trigger: { kind: 'rule', rule: 'all rooms' },
  upload: { kind: 'local', path: 'recordings' },
};

describe('subjects', () => {
  it('gives every event subject six tokens so one recording can be selected with wildcards', () => {
    for (const s of [
      subjects.event(SegmentCaptured, RID),
      subjects.stageFailed('encode', RID),
      subjects.captureJob(RID),
    ]) {
      expect(s.split('.')).toHaveLength(6);
    }
    expect(subjects.eventsOf(RID).split('.')).toHaveLength(6);
  });

  it('maps an event subject back to its contract and recording', () => {
    expect(contractForEventSubject(subjects.event(SegmentCaptured, RID))).toBe(SegmentCaptured);
    expect(contractForEventSubject(subjects.stageFailed('upload', RID))).toBe(StageFailed);
    expect(parseEventSubject(subjects.event(SegmentCaptured, RID))).toEqual({
      name: 'capture.segment',
      version: 1,
      recordingId: RID,
    });
    expect(contractForEventSubject(subjects.event(AnnouncementResult, RID))).toBe(AnnouncementResult);
    expect(contractForEventSubject('talkrec.evt.capture.segment.v9.' + RID)).toBeUndefined();
    expect(contractForEventSubject('backend.room.abc')).toBeUndefined();
  });
});

describe('notices in the conversation', () => {
  it('queues them on the Talk work queue, next to the callbacks', () => {
    expect(subjects.talkAnnounceJob(RID).startsWith(subjects.allTalkJobs.slice(0, -1))).toBe(true);
    expect(subjects.talkAnnounceJob(RID).startsWith(subjects.jobPrefix(TalkAnnounceJob))).toBe(true);
    expect(subjects.talkAnnounceJob(RID)).not.toBe(subjects.talkCallbackJob(RID));
  });

  it('accepts a delivered notice and refuses a notice of an unknown kind', () => {
    const job: TalkAnnounceJob = {
      v: 1,
      recordingId: RID,
      at: '2026-11-23T10:00:00.000Z',
      backendId: 'nextcloud',
      roomToken: 'abcd1234',
      notice: {
        kind: 'delivered',
        fileName: 'a.mp4',
        target: 'webdav',
        location: 'x/a.mp4',
        sharedToRoom: true,
      },
    };
    expect(decode(TalkAnnounceJob, encode(TalkAnnounceJob, job)).ok).toBe(true);
    expect(() => encode(TalkAnnounceJob, { ...job, notice: { kind: 'shouted' } } as never)).toThrow(/notice/);
  });
});

describe('message validation', () => {
  it('round-trips a valid job through the wire encoding', () => {
    const bytes = encode(CaptureJob, { v: 1, recordingId: RID, at: '2026-11-23T10:00:00.000Z', spec });
    const decoded = decode(CaptureJob, bytes);
    expect(decoded.ok && decoded.value.spec.announce).toBe(false);
  });

  it('names every bad field of an invalid payload', () => {
    const decoded = decode(
      SegmentCaptured,
      new TextEncoder().encode(JSON.stringify({ v: 1, recordingId: 'x', index: -1 })),
    );
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.error.message).toContain('capture.segment.v1');
      expect(decoded.error.issues.join('\n')).toMatch(/recordingId/);
      expect(decoded.error.issues.join('\n')).toMatch(/index/);
      expect(decoded.error.issues.join('\n')).toMatch(/sha256/);
    }
  });

  it('reports non-JSON bytes as a violation instead of throwing', () => {
    const decoded = decode(CaptureJob, new Uint8Array([0xff, 0x00, 0x7b]));
    expect(decoded.ok).toBe(false);
  });

  it('refuses to encode an invalid payload', () => {
    expect(() => encode(CaptureJob, { v: 1, recordingId: RID, at: 'yesterday', spec })).toThrow(/at/);
  });

  it('refuses a codec in a container that cannot hold it', () => {
    expect(AudioOutput.safeParse({ kind: 'audio', codec: 'opus', container: 'mp3' }).success).toBe(false);
    expect(AudioOutput.safeParse({ kind: 'audio', codec: 'opus', container: 'ogg' }).success).toBe(true);
  });

  it('refuses odd video sizes and file names with folders', () => {
    expect(RecordingSpec.safeParse({ ...spec, video: { width: 1281, height: 720, fps: 30 } }).success).toBe(
      false,
    );
    expect(RecordingSpec.safeParse({ ...spec, fileName: '../etc/passwd' }).success).toBe(false);
  });
});

describe("Talk's recording-server requests", () => {
  it('accepts stop as an empty JSON array, as PHP encodes it', () => {
    expect(TalkRoomRequest.safeParse({ type: 'stop', stop: [] }).success).toBe(true);
    expect(
      TalkRoomRequest.safeParse({ type: 'stop', stop: { actor: { type: 'users', id: 'alice' } } }).success,
    ).toBe(true);
  });

  it('defaults the start status to audio+video and requires owner and actor', () => {
    const parsed = TalkRoomRequest.parse({
      type: 'start',
      start: { owner: 'alice', actor: { type: 'users', id: 'alice' } },
    });
    expect(parsed.type === 'start' && parsed.start.status).toBe(1);
    expect(TalkRoomRequest.safeParse({ type: 'start', start: { owner: 'alice' } }).success).toBe(false);
    expect(TalkRoomRequest.safeParse({ type: 'pause', pause: {} }).success).toBe(false);
  });
});
