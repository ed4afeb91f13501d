import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { connect, type NatsConnection } from 'nats';
import {
  RecordingUploaded,
  StageFailed,
  UploadJob,
  consumers,
  decode,
  mediaObjects,
  objectStores,
  streams,
  subjects,
  type PayloadOf,
  type UploadTarget,
} from '@talkrec/contracts';
import {
  MediaStore,
  Publisher,
  ServiceRuntime,
  ensureConsumer,
  ensureObjectStore,
  ensureStream,
  newRecordingId,
  type ConsumeLoop,
} from '@talkrec/platform';
import { NatsServer, NatsTap, type TappedMessage } from '@talkrec/testing';
import { loadUploaderConfig } from '../src/config.js';
import { startUploader } from '../src/service.js';
import { uploaderTopology } from '../src/topology.js';

export const MiB = 1024 * 1024;

/** An MP4 `ftyp` box, so content sniffing (Talk's multipart store) sees video/mp4. */
const FTYP = Buffer.from('0000001c667479706973736f6d0000020069736f6d69736f326d703431', 'hex');

/** A file of `bytes` that sniffs as MP4 and differs in every MiB (misordered chunks would show). */
export async function mediaFile(dir: string, bytes: number, name = 'media.mp4'): Promise<string> {
  const file = path.join(dir, name);
  const handle = await open(file, 'w');
  try {
    const block = randomBytes(MiB);
    for (let offset = 0; offset < bytes; offset += MiB) {
      const part = Buffer.from(block.subarray(0, Math.min(MiB, bytes - offset)));
      part.writeUInt32BE(offset / MiB, Math.min(64, part.length - 4));
      if (offset === 0) FTYP.copy(part, 0, 0, Math.min(FTYP.length, part.length));
      await handle.write(part, 0, part.length, offset);
    }
  } finally {
    await handle.close();
  }
  return file;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A running uploader (the same wiring as main.ts) and its JSON log lines. */
export interface RunningUploader {
  runtime: ServiceRuntime;
  loop: ConsumeLoop;
  logs: Array<Record<string, unknown>>;
  stop(mode?: 'drain' | 'stop'): Promise<void>;
}

/**
 * One real nats-server per suite with the uploader's topology, a tap on every talkrec subject, and
 * helpers to put media into the object store, publish upload jobs and await their outcome.
 */
export class UploaderHarness {
  private constructor(
    readonly nats: NatsServer,
    readonly nc: NatsConnection,
    readonly tap: NatsTap,
    readonly media: MediaStore,
    readonly publisher: Publisher,
    readonly dir: string,
  ) {}

  static async start(): Promise<UploaderHarness> {
    const nats = await NatsServer.start();
    const nc = await connect({ servers: nats.url });
    const js = nc.jetstream();
    const jsm = await nc.jetstreamManager();
    for (const s of [streams.uploadJobs, streams.events, streams.deadLetters]) await ensureStream(jsm, s);
    await ensureConsumer(jsm, consumers.uploadWorkers);
    const media = new MediaStore(await ensureObjectStore(js, objectStores.media));
    const tap = await NatsTap.start(nats.url, subjects.all);
    const dir = await mkdtemp(path.join(tmpdir(), 'talkrec-uploader-test-'));
    return new UploaderHarness(nats, nc, tap, media, new Publisher(nc, js, 'controller'), dir);
  }

  /** An empty upload queue and a fresh consumer, so no job of an earlier test is still around. */
  async reset(): Promise<void> {
    const jsm = await this.nc.jetstreamManager();
    await jsm.consumers
      .delete(consumers.uploadWorkers.stream, consumers.uploadWorkers.durable)
      .catch(() => undefined);
    await jsm.streams.purge(streams.uploadJobs.name);
    await ensureConsumer(jsm, consumers.uploadWorkers);
  }

  async startUploader(env: Record<string, string>): Promise<RunningUploader> {
    const logs: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        }
        cb();
      },
    });
    const config = loadUploaderConfig({
      NATS_URL: this.nats.url,
      OPS_LISTEN: '127.0.0.1:0',
      LOG_LEVEL: 'info',
      WORK_DIR: path.join(this.dir, 'work'),
      LOCAL_RECORDINGS_DIR: path.join(this.dir, 'recordings'),
      UPLOAD_BACKOFF_BASE_S: '0.05',
      UPLOAD_BACKOFF_MAX_S: '0.3',
      UPLOAD_CHUNK_BYTES: String(5 * MiB),
      ...env,
    });
    const runtime = await new ServiceRuntime('uploader', config, sink).start(uploaderTopology);
    const loop = await startUploader(runtime, config);
    return {
      runtime,
      loop,
      logs,
      stop: async (mode = 'stop') => {
        await loop.stop(mode, 5_000);
        await runtime.stop(mode);
      },
    };
  }

  /** Stores the file as a recording's final media and returns what an UploadJob says about it. */
  async putMedia(
    recordingId: string,
    file: string,
  ): Promise<{ object: string; bytes: number; sha256: string }> {
    const object = mediaObjects.final(recordingId, 'mp4');
    const stored = await this.media.putFile(object, file);
    return { object, bytes: stored.bytes, sha256: stored.sha256 };
  }

  async job(
    file: string,
    target: UploadTarget,
    room: { backendUrl: string; token: string },
    extra: Partial<PayloadOf<typeof UploadJob>> = {},
  ): Promise<PayloadOf<typeof UploadJob>> {
    const recordingId = newRecordingId();
    return {
      v: 1,
      recordingId,
      at: new Date().toISOString(),
      fileName: 'Recording 2026-01-02 10-00-00.mp4',
      mime: 'video/mp4',
      ...(await this.putMedia(recordingId, file)),
      target,
      room: { backendId: 'nextcloud', ...room },
      ...extra,
    };
  }

  async publish(job: PayloadOf<typeof UploadJob>, msgId?: string): Promise<void> {
    await this.publisher.job(UploadJob, subjects.uploadJob(job.recordingId), job, msgId);
  }

  async uploaded(recordingId: string, timeoutMs = 60_000): Promise<PayloadOf<typeof RecordingUploaded>> {
    const m = await this.tap.waitFor(
      (t) => t.subject === subjects.event(RecordingUploaded, recordingId),
      timeoutMs,
    );
    return payload(RecordingUploaded, m);
  }

  async failed(recordingId: string, timeoutMs = 60_000): Promise<PayloadOf<typeof StageFailed>> {
    const m = await this.tap.waitFor(
      (t) => t.subject === subjects.stageFailed('upload', recordingId),
      timeoutMs,
    );
    return payload(StageFailed, m);
  }

  /** Resolves once the uploader reports `bytes` confirmed (it has recorded them by then). */
  async confirmed(recordingId: string, bytes: number, timeoutMs = 30_000): Promise<void> {
    await this.tap.waitFor(
      (m) =>
        m.subject === subjects.uploadProgress(recordingId) &&
        (m.json as { sentBytes: number }).sentBytes >= bytes,
      timeoutMs,
    );
  }

  progress(recordingId: string): number[] {
    return this.tap.messages
      .filter((m) => m.subject === subjects.uploadProgress(recordingId))
      .map((m) => (m.json as { sentBytes: number }).sentBytes);
  }

  async stop(): Promise<void> {
    await this.tap.stop();
    await this.nc.close();
    await this.nats.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

function payload<C extends typeof RecordingUploaded | typeof StageFailed>(
  contract: C,
  m: TappedMessage,
): PayloadOf<C> {
  const decoded = decode(contract, m.data);
  if (!decoded.ok) throw decoded.error;
  return decoded.value;
}
