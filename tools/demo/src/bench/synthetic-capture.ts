import {
  CaptureFinished,
  CaptureHeartbeat,
  CaptureJob,
  CaptureStarted,
  RecordingState,
  SegmentCaptured,
  SegmentEncoded,
  consumers,
  decode,
  kv,
  mediaObjects,
  objectStores,
  streams,
  subjects,
  type RecordingStateName,
} from '@talkrec/contracts';
import {
  ConsumeLoop,
  MediaStore,
  Publisher,
  ServiceMetrics,
  connectBus,
  createLogger,
  done,
  ensureConsumer,
  ensureKv,
  ensureObjectStore,
  ensureStream,
  failed,
  route,
  skipped,
  type JobContext,
  type Outcome,
} from '@talkrec/platform';
import { SEGMENT_S, VIDEO, type PremadeSegment } from './segments.js';

type Bus = Awaited<ReturnType<typeof connectBus>>;
type Kv = Awaited<ReturnType<typeof ensureKv>>;

const INSTANCE_ID = 'capture-synthetic';
const HEARTBEAT_MS = 5_000;
/** The recordings capture stops for (its `captureDirective`): stop, or the capture stage is over. */
const STOP_STATES: readonly RecordingStateName[] = [
  'stopping',
  'captured',
  'encoding',
  'encoded',
  'uploading',
  'done',
  'failed',
];

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export interface CapturePlan {
  segments: number;
  /** The pictures to store, in turn. */
  premade: readonly PremadeSegment[];
}

export interface CaptureRun {
  recordingId: string;
  /** Segments stored and announced. */
  segments: number;
  bytes: number;
}

/**
 * Plays capture's part on the bus, accelerated: takes capture jobs from capture's own consumer, says
 * media flows, and stores pre-made segments in the media bucket under capture's object names, announced
 * on a gapless timeline. A real call hands the encoder one segment per segment length, and the encoder
 * keeps pace with that; here segments go out as fast as the encoder takes them (at most one waiting),
 * so a long recording takes the encoder's time, not the call's. The last segment stays "open" until the
 * recording's state says stop, then is stored and `capture.finished` follows, as capture wraps up.
 */
export class SyntheticCapture {
  private readonly plans = new Map<string, CapturePlan>();
  private readonly lastOpen = new Map<string, Deferred<void>>();
  private readonly runs = new Map<string, CaptureRun>();
  private loop: ConsumeLoop | undefined;

  private constructor(
    private readonly nc: Bus,
    private readonly publisher: Publisher,
    private readonly media: MediaStore,
    private readonly recordings: Kv,
  ) {}

  static async start(natsUrl: string): Promise<SyntheticCapture> {
    // Its log goes to stderr: stdout carries the bench's JSON lines only.
    const log = createLogger({
      service: 'capture',
      instanceId: INSTANCE_ID,
      level: 'warn',
      destination: process.stderr,
    });
    const nc = await connectBus({ NATS_URL: natsUrl }, { name: `talkrec-capture/${INSTANCE_ID}`, log });
    const js = nc.jetstream();
    const jsm = await nc.jetstreamManager();
    // Capture's topology, created idempotently as the service does at start.
    for (const s of [streams.captureJobs, streams.events, streams.deadLetters]) await ensureStream(jsm, s);
    await ensureConsumer(jsm, consumers.captureWorkers);
    const recordings = await ensureKv(js, kv.recordings);
    await ensureKv(js, kv.leases);
    const media = new MediaStore(await ensureObjectStore(js, objectStores.media));
    const publisher = new Publisher(nc, js, 'capture');
    const self = new SyntheticCapture(nc, publisher, media, recordings);
    const loop = new ConsumeLoop({
      js,
      consumer: consumers.captureWorkers,
      routes: [route(subjects.jobPrefix(CaptureJob), CaptureJob, (job, ctx) => self.run(job, ctx))],
      concurrency: 2,
      stage: 'capture',
      publisher,
      log,
      metrics: new ServiceMetrics('capture'),
    });
    self.loop = loop;
    loop.start();
    return self;
  }

  /** What the next recording of `room` gets. */
  plan(room: string, plan: CapturePlan): void {
    if (plan.segments < 1 || !plan.premade.length) throw new Error('a recording needs a segment');
    this.plans.set(room, plan);
  }

  /**
   * Resolves when every segment but the last is encoded and the last one is "being recorded": the moment
   * to end the call.
   */
  lastSegmentOpen(recordingId: string): Promise<void> {
    return this.opened(recordingId).promise;
  }

  /** What the capture of a recording stored. */
  runOf(recordingId: string): CaptureRun | undefined {
    return this.runs.get(recordingId);
  }

  async stop(): Promise<void> {
    await this.loop?.stop('stop', 5_000);
    await this.nc.drain().catch(() => this.nc.close());
  }

  private opened(recordingId: string): Deferred<void> {
    let d = this.lastOpen.get(recordingId);
    if (!d) {
      d = deferred<void>();
      this.lastOpen.set(recordingId, d);
    }
    return d;
  }

  private async state(recordingId: string): Promise<RecordingState | undefined> {
    const entry = await this.recordings.get(recordingId);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const parsed = RecordingState.safeParse(JSON.parse(new TextDecoder().decode(entry.value)));
    return parsed.success ? parsed.data : undefined;
  }

  private async run(job: CaptureJob, ctx: JobContext): Promise<Outcome> {
    const id = job.recordingId;
    const state = await this.state(id);
    if (state && STOP_STATES.includes(state.state) && state.state !== 'stopping') {
      return skipped(`recording is ${state.state}`);
    }
    const plan = this.plans.get(job.spec.room.token);
    if (!plan) return failed('no_plan', `the bench planned nothing for ${job.spec.room.token}`);
    const { video, segmentSeconds } = job.spec;
    if (
      segmentSeconds !== SEGMENT_S ||
      video.width !== VIDEO.width ||
      video.height !== VIDEO.height ||
      video.fps !== VIDEO.fps
    ) {
      return failed('spec_mismatch', `pre-made segments are ${SEGMENT_S} s 720p30, the job wants others`);
    }
    const stop = deferred<'stop'>();
    const watch = await this.recordings.watch({ key: id });
    void (async () => {
      for await (const e of watch) {
        if (e.operation !== 'PUT') {
          stop.resolve('stop');
          continue;
        }
        const parsed = RecordingState.safeParse(JSON.parse(new TextDecoder().decode(e.value)));
        if (parsed.success && STOP_STATES.includes(parsed.data.state)) stop.resolve('stop');
      }
    })().catch((err: unknown) => ctx.log.warn({ err }, 'recording watch ended'));
    const encoded = new Set<number>();
    const encodedWaiters = new Map<number, () => void>();
    const sub = this.nc.subscribe(subjects.event(SegmentEncoded, id), {
      callback: (_err, m) => {
        const d = decode(SegmentEncoded, m.data);
        if (!d.ok) return;
        encoded.add(d.value.index);
        encodedWaiters.get(d.value.index)?.();
      },
    });
    const untilEncoded = (index: number) =>
      encoded.has(index) ? Promise.resolve() : new Promise<void>((r) => encodedWaiters.set(index, r));
    const run: CaptureRun = { recordingId: id, segments: 0, bytes: 0 };
    this.runs.set(id, run);
    const beat = setInterval(() => {
      this.publisher.live(CaptureHeartbeat, subjects.captureHeartbeat(id), {
        v: 1,
        recordingId: id,
        at: new Date().toISOString(),
        instanceId: INSTANCE_ID,
        segments: run.segments,
        participants: 1,
      });
    }, HEARTBEAT_MS);
    try {
      await this.publisher.event(
        CaptureStarted,
        {
          v: 1,
          recordingId: id,
          at: new Date().toISOString(),
          instanceId: INSTANCE_ID,
          resumed: false,
          nextIndex: 0,
        },
        `capture-started-${id}-${INSTANCE_ID}-${ctx.attempt}`,
      );
      const wallStart = Date.now();
      let startMs = 0;
      const encodedOrStop = async (index: number) =>
        index < 0 || (await Promise.race([untilEncoded(index), stop.promise])) !== 'stop';
      for (let index = 0; index < plan.segments; index++) {
        if (index === plan.segments - 1) {
          // The call ends while its last segment is open and the encoder has everything before it, as
          // in a call whose encoding keeps pace.
          await encodedOrStop(index - 1);
          this.opened(id).resolve();
          await stop.promise;
          startMs += await this.store(id, index, startMs, wallStart, plan, run);
          break;
        }
        startMs += await this.store(id, index, startMs, wallStart, plan, run);
        // One segment waits while the encoder works on the one before, so it never idles on this
        // side's store; a stop before the planned end stores nothing more, as capture ends then.
        if (!(await encodedOrStop(index - 1))) {
          this.opened(id).resolve();
          break;
        }
      }
      await this.publisher.event(
        CaptureFinished,
        {
          v: 1,
          recordingId: id,
          at: new Date().toISOString(),
          instanceId: INSTANCE_ID,
          lastIndex: run.segments - 1,
          reason: (await this.state(id)) ? 'stop-requested' : 'recording-missing',
        },
        `capture-finished-${id}`,
      );
      return done();
    } finally {
      clearInterval(beat);
      sub.unsubscribe();
      watch.stop();
    }
  }

  /** Stores and announces segment `index`; returns its duration. */
  private async store(
    id: string,
    index: number,
    startMs: number,
    wallStart: number,
    plan: CapturePlan,
    run: CaptureRun,
  ): Promise<number> {
    const source = plan.premade[index % plan.premade.length]!;
    const meta = {
      v: 1,
      startMs,
      durationMs: source.durationMs,
      gapBeforeMs: 0,
      wallStartMs: wallStart + startMs,
      hasVideo: true,
      hasAudio: true,
      instanceId: INSTANCE_ID,
    };
    const stored = await this.media.putFile(
      mediaObjects.captured(id, index, 'mkv'),
      source.file,
      JSON.stringify(meta),
    );
    await this.publisher.event(
      SegmentCaptured,
      {
        v: 1,
        recordingId: id,
        instanceId: INSTANCE_ID,
        index,
        object: stored.name,
        container: 'mkv',
        startMs,
        durationMs: source.durationMs,
        bytes: stored.bytes,
        sha256: stored.sha256,
        hasVideo: true,
        hasAudio: true,
        gapBeforeMs: 0,
      },
      `segment-${id}-${index}`,
    );
    run.segments++;
    run.bytes += stored.bytes;
    return source.durationMs;
  }
}
