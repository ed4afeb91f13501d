import path from 'node:path';
import { connect, type JetStreamClient, type KV, type NatsConnection } from 'nats';
import {
  CaptureJob,
  RecordingSpec,
  RecordingState,
  encode,
  kv,
  objectStores,
  subjects,
  type RecordingSpecInput,
  type RecordingStateName,
} from '@talkrec/contracts';
import { MediaStore, newRecordingId } from '@talkrec/platform';

export function recordingSpec(
  room: string,
  backend: { id: string; url: string },
  overrides: Partial<RecordingSpecInput> = {},
): RecordingSpec {
  return RecordingSpec.parse({
    backend,
    room: { token: room },
    mode: 'video',
    layout: 'grid',
    video: { width: 1280, height: 720, fps: 30 },
    output: { kind: 'video', container: 'mp4', crf: 25, preset: 'veryfast', audioBitrateKbps: 128 },
    segmentSeconds: 10,
    fileName: 'Recording 2026-11-24 10-00-00.mp4',
    trigger: { kind: 'rule', rule: 'test' },
    upload: { kind: 'local', path: 'recordings' },
    ...overrides,
  });
}

/** Plays the controller's part for capture: the recording's state in KV, and the capture job. */
export class ControllerDouble {
  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly recordings: KV,
    readonly media: MediaStore,
  ) {}

  /** Call after a capture instance started: it creates the buckets. */
  static async connect(url: string): Promise<ControllerDouble> {
    const nc = await connect({ servers: url, name: 'capture-test-controller' });
    const js = nc.jetstream();
    const recordings = await js.views.kv(kv.recordings.bucket, { bindOnly: true });
    const media = new MediaStore(await js.views.os(objectStores.media.bucket));
    return new ControllerDouble(nc, js, recordings, media);
  }

  async setState(recordingId: string, spec: RecordingSpec, state: RecordingStateName): Promise<void> {
    const now = new Date().toISOString();
    const value = RecordingState.parse({
      v: 1,
      recordingId,
      spec,
      state,
      createdAt: now,
      updatedAt: now,
      capture: { segments: [], durationMs: 0, gaps: [] },
      encoded: [],
    });
    await this.recordings.put(recordingId, JSON.stringify(value));
  }

  /** A new recording in `initial` state (`starting` by default), with its capture job published. */
  async startRecording(spec: RecordingSpec, initial: RecordingStateName = 'starting'): Promise<string> {
    const recordingId = newRecordingId();
    await this.setState(recordingId, spec, initial);
    await this.js.publish(
      subjects.captureJob(recordingId),
      encode(CaptureJob, { v: 1, recordingId, at: new Date().toISOString(), spec }),
    );
    return recordingId;
  }

  /** Downloads a stored object into `dir`, verifying the checksum it was announced with. */
  async download(object: string, sha256: string, dir: string): Promise<string> {
    const file = path.join(dir, path.basename(object));
    await this.media.getToFile(object, file, sha256);
    return file;
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}
