import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import {
  AssembleJob,
  EncodeSegmentJob,
  RecordingEncoded as RecordingEncodedEvent,
  SegmentEncoded as SegmentEncodedEvent,
  mediaObjects,
  subjects,
  type EncodedPart,
  type OutputProfile,
  type RecordingEncoded,
  type SegmentEncoded,
  type SegmentRef,
  type StageFailed,
  type VideoGeometry,
} from '@talkrec/contracts';
import { ServiceRuntime, newRecordingId, type MediaStore } from '@talkrec/platform';
import { NatsServer, NatsTap, type TappedMessage } from '@talkrec/testing';
import { startEncoder } from '../src/app.js';
import { loadEncoderConfig } from '../src/config.js';
import { encoderTopology } from '../src/topology.js';
import { Ffmpeg } from '../src/adapters/ffmpeg/ffmpeg.js';
import {
  makeSyntheticCapture,
  type SyntheticCapture,
  type SyntheticSegment,
} from '../src/bench/synthetic-capture.js';

/** Log records of the service under test, parsed. */
export type LogRecord = Record<string, unknown> & { msg: string; level: string };

/** A real nats-server + the encoder service as main.ts wires it + a tap on every talkrec subject. */
export class EncoderHarness {
  private constructor(
    readonly logs: LogRecord[],
    readonly server: NatsServer,
    readonly runtime: ServiceRuntime,
    readonly tap: NatsTap,
    readonly dir: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<EncoderHarness> {
    const server = await NatsServer.start();
    const dir = await mkdtemp(path.join(tmpdir(), 'talkrec-encoder-test-'));
    const config = loadEncoderConfig({
      NATS_URL: server.url,
      OPS_LISTEN: '127.0.0.1:0',
      WORK_DIR: path.join(dir, 'scratch'),
      LOG_LEVEL: 'debug',
      INSTANCE_ID: 'encoder-test',
      ...env,
    });
    const logs: LogRecord[] = [];
    const sink = new Writable({
      write: (chunk: Buffer, _e, cb) => {
        for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as LogRecord);
        cb();
      },
    });
    const runtime = await new ServiceRuntime('encoder', config, sink).start(encoderTopology);
    startEncoder(runtime, config);
    const tap = await NatsTap.start(server.url, subjects.all);
    return new EncoderHarness(logs, server, runtime, tap, dir);
  }

  /** The service's WORK_DIR. */
  get scratch(): string {
    return path.join(this.dir, 'scratch');
  }

  get media(): MediaStore {
    return this.runtime.media!;
  }

  get ffmpeg(): Ffmpeg {
    return this.runtime.container.resolve(Ffmpeg);
  }

  /** Capture-format segments on disk, in a fresh folder. */
  async capture(spec: SyntheticCapture): Promise<SyntheticSegment[]> {
    const dir = await mkdtemp(path.join(this.dir, 'capture-'));
    return makeSyntheticCapture(this.ffmpeg, spec, dir);
  }

  /** Stores segments as capture does and returns what the controller would put in the jobs. */
  async store(recordingId: string, segments: SyntheticSegment[], hasVideo: boolean): Promise<SegmentRef[]> {
    const refs: SegmentRef[] = [];
    for (const s of segments) {
      const object = mediaObjects.captured(recordingId, s.index, 'mkv');
      const stored = await this.media.putFile(object, s.file);
      refs.push({
        index: s.index,
        object,
        container: 'mkv',
        startMs: s.startMs,
        durationMs: s.durationMs,
        sha256: stored.sha256,
        hasVideo,
        hasAudio: true,
        gapBeforeMs: 0,
      });
    }
    return refs;
  }

  async publishSegment(
    recordingId: string,
    segment: SegmentRef,
    previous: SegmentRef | undefined,
    output: OutputProfile,
    video: VideoGeometry,
  ) {
    const job: EncodeSegmentJob = {
      v: 1,
      recordingId,
      at: new Date().toISOString(),
      segment,
      ...(previous ? { previous } : {}),
      output,
      video,
    };
    await this.runtime.publisher.job(EncodeSegmentJob, subjects.encodeSegmentJob(recordingId), job);
    return job;
  }

  /** One job per segment as the controller sends them (`previous` when contiguous); all their events. */
  async encodeAll(
    recordingId: string,
    refs: SegmentRef[],
    output: OutputProfile,
    video: VideoGeometry,
    timeoutMs = 60_000,
  ) {
    for (const [i, ref] of refs.entries()) {
      const previous = i > 0 && ref.gapBeforeMs === 0 ? refs[i - 1] : undefined;
      await this.publishSegment(recordingId, ref, previous, output, video);
    }
    const parts: EncodedPart[] = [];
    for (const ref of refs) {
      const event = await this.segmentEncoded(recordingId, ref.index, timeoutMs);
      parts.push({
        index: ref.index,
        object: event.object,
        startMs: ref.startMs,
        durationMs: event.durationMs,
        gapBeforeMs: ref.gapBeforeMs,
      });
    }
    return parts;
  }

  async segmentEncoded(recordingId: string, index: number, timeoutMs = 60_000): Promise<SegmentEncoded> {
    const m = await this.explained(
      (m) =>
        m.subject === subjects.event(SegmentEncodedEvent, recordingId) &&
        (m.json as SegmentEncoded).index === index,
      timeoutMs,
    );
    return m.json as SegmentEncoded;
  }

  async assemble(
    recordingId: string,
    parts: EncodedPart[],
    output: OutputProfile,
    video: VideoGeometry,
    poster = false,
  ) {
    const job: AssembleJob = {
      v: 1,
      recordingId,
      at: new Date().toISOString(),
      parts,
      output,
      video,
      fileName: `Recording ${recordingId}`,
      poster,
    };
    await this.runtime.publisher.job(AssembleJob, subjects.assembleJob(recordingId), job);
    return job;
  }

  async recordingEncoded(recordingId: string, timeoutMs = 60_000): Promise<RecordingEncoded> {
    const m = await this.explained(
      (m) => m.subject === subjects.event(RecordingEncodedEvent, recordingId),
      timeoutMs,
    );
    return m.json as RecordingEncoded;
  }

  async stageFailed(recordingId: string, timeoutMs = 60_000): Promise<StageFailed> {
    const m = await this.tap.waitFor(
      (m) => m.subject === subjects.stageFailed('encode', recordingId),
      timeoutMs,
    );
    return m.json as StageFailed;
  }

  /** Waits for a message; a timeout says what the service logged at warn level and above. */
  private async explained(match: (m: TappedMessage) => boolean, timeoutMs: number): Promise<TappedMessage> {
    try {
      return await this.tap.waitFor(match, timeoutMs);
    } catch (err) {
      const said = this.logs
        .filter((l) => ['warn', 'error', 'fatal'].includes(l.level))
        .slice(-10)
        .map((l) => JSON.stringify(l));
      throw new Error(`${(err as Error).message}; service logs:\n${said.join('\n')}`);
    }
  }

  /** Downloads an object and checks it against the checksum it was announced with. */
  async download(object: string, name: string, sha256?: string): Promise<string> {
    const out = path.join(this.dir, 'downloads');
    await mkdir(out, { recursive: true });
    const file = path.join(out, name);
    await this.media.getToFile(object, file, sha256);
    return file;
  }

  newRecordingId(): string {
    return newRecordingId();
  }

  async stop(): Promise<void> {
    await this.tap?.stop();
    await this.runtime?.stop('stop');
    await this.server?.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
