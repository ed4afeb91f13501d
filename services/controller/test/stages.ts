import {
  CaptureFinished,
  CaptureStarted,
  RecordingEncoded,
  RecordingUploaded,
  SegmentCaptured,
  SegmentEncoded,
  StageFailed,
  encode,
  hpbBackendRoomSubject,
  mediaObjects,
  subjects,
  type Stage,
} from '@talkrec/contracts';
import { now, type StageActor } from './harness.js';

const sha = (c: string) => c.repeat(64);

/** The stage events of one recording, as capture, encoder and uploader would publish them. */
export function stageEvents(stages: StageActor, id: string) {
  return {
    captureStarted: () =>
      stages.event(CaptureStarted, {
        v: 1,
        recordingId: id,
        at: now(),
        instanceId: 'cap-1',
        resumed: false,
        nextIndex: 0,
      }),
    segment: (index: number) =>
      stages.event(SegmentCaptured, {
        v: 1,
        recordingId: id,
        instanceId: 'cap-1',
        index,
        object: mediaObjects.captured(id, index, 'mkv'),
        container: 'mkv',
        startMs: index * 10_000,
        durationMs: 10_000,
        bytes: 100,
        sha256: sha(String(index)),
        hasVideo: true,
        hasAudio: true,
        gapBeforeMs: 0,
      }),
    finished: (lastIndex: number) =>
      stages.event(CaptureFinished, {
        v: 1,
        recordingId: id,
        at: now(),
        instanceId: 'cap-1',
        lastIndex,
        reason: 'stop-requested',
      }),
    encoded: (index: number) =>
      stages.event(SegmentEncoded, {
        v: 1,
        recordingId: id,
        at: now(),
        index,
        object: mediaObjects.encoded(id, index, 'mp4'),
        bytes: 10,
        durationMs: 10_000,
      }),
    assembled: (fileName: string) =>
      stages.event(RecordingEncoded, {
        v: 1,
        recordingId: id,
        at: now(),
        object: mediaObjects.final(id, 'mp4'),
        fileName,
        container: 'mp4',
        mime: 'video/mp4',
        bytes: 3,
        sha256: sha('f'),
        durationMs: 10_000,
        gapMs: 0,
      }),
    uploaded: (over: { url?: string; sharedToRoom?: boolean; at?: string } = {}) =>
      stages.event(RecordingUploaded, {
        v: 1,
        recordingId: id,
        at: over.at ?? now(),
        target: 'webdav',
        location: `Talk Recordings/${id}.mp4`,
        ...(over.url ? { url: over.url } : {}),
        bytes: 3,
        sharedToRoom: over.sharedToRoom ?? false,
      }),
    /** A stage's failure, reported at `at` (a failure long ago, for the retention tests). */
    failed: async (stage: Stage, at = now()) => {
      const payload = {
        v: 1 as const,
        recordingId: id,
        at,
        stage,
        code: 'test_failure',
        reason: `${stage} broke`,
      };
      await stages.js.publish(subjects.stageFailed(stage, id), encode(StageFailed, payload));
    },
  };
}

/** Talk's signaling server reports someone in the call: what makes the controller record automatically. */
export async function hpbCallStarted(stages: StageActor, backendId: string, room: string): Promise<void> {
  const body = {
    sendtime: now(),
    id: '',
    type: 'room',
    room: { type: 'incall', incall: { incall: 7, users: [{ sessionId: `s-${room}`, inCall: 7 }] } },
  };
  stages.nc.publish(
    hpbBackendRoomSubject({ roomId: room, backendId }),
    new TextEncoder().encode(JSON.stringify(body)),
  );
  await stages.nc.flush();
}
