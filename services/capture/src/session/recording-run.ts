import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { KV } from 'nats';
import {
  CaptureFinished,
  CaptureHeartbeat,
  CaptureParticipants,
  CaptureStarted,
  kv as buckets,
  leaseKeys,
  subjects,
  type CallParticipant,
  type CaptureJob,
} from '@talkrec/contracts';
import {
  Lease,
  backoffDelay,
  done,
  errorMessage,
  failed,
  retryLater,
  skipped,
  type Clock,
  type JobContext,
  type Logger,
  type Outcome,
  type Publisher,
} from '@talkrec/platform';
import type { CaptureConfig } from '../config.js';
import type { PageReport } from '../page/protocol.js';
import { hasDiskRoom } from '../core/admission.js';
import { captureDirective } from '../core/directive.js';
import { CaptureError, pageError } from '../core/failures.js';
import { callViewConfig } from '../core/join.js';
import { sameParticipants, toCallParticipants } from '../core/participants.js';
import { windowSpeed, type GrabProgress, type ProgressReading } from '../core/progress.js';
import { SpeakingLog } from '../core/speaking-times.js';
import { InstanceTimeline, resumePoint, type ResumePoint } from '../core/timeline.js';
import { freeBytes } from '../adapters/disk/disk.js';
import type { ClosedSegment, GrabProcess } from '../adapters/ffmpeg/ffmpeg-grab.js';
import type { SegmentStore } from '../adapters/media/segment-store.js';
import { readRecording, watchRecording } from '../adapters/nats/recordings.js';
import type { SignalingTargets } from '../adapters/talk/signaling-targets.js';
import type { CaptureSession, SessionTools } from './capture-session.js';
import { deferred, timeout } from './deferred.js';

/** Everything a run works with; built once per instance by the capture service. */
export interface RunTools extends SessionTools {
  config: CaptureConfig;
  segments: SegmentStore;
  targets: SignalingTargets;
  publisher: Publisher;
  recordings: KV;
  leases: KV;
  clock: Clock;
}

type End =
  | { kind: 'finish'; reason: 'stop-requested' | 'recording-missing' }
  | { kind: 'handover'; fast: boolean }
  | { kind: 'failure'; error: CaptureError };

/** The leases bucket forgets an entry 10 s after its last renewal; renew well within that. */
const LEASE_RENEW_MS = 3_000;
const LEASE_WAIT_MS = buckets.leases.ttlMs + 2_000;
/**
 * In-progress acks go out every second while the grab advances: JetStream redelivers a job ack-wait
 * (10 s) after the last one, so acking often makes a takeover start sooner after a crash.
 */
const TICK_MS = 1_000;
const STORE_ATTEMPTS = 4;
const ENDED: unique symbol = Symbol('ended');

const asCaptureError = (err: unknown, code: string) =>
  err instanceof CaptureError ? err : new CaptureError(code, errorMessage(err), false, { cause: err });

/**
 * One delivery of a capture job, from taking the recording's lease to acking or handing the job back.
 * Waits for the page to be ready, grabs, stores and announces every closed segment, heartbeats while
 * ffmpeg makes progress, and ends on the first of: the recording's state says stop (or is gone), the
 * service stops (hand-over), or something breaks (hand-back for a takeover, or `failed` when no retry
 * can help). Whatever ends it, every segment ffmpeg closed is stored first.
 */
export class RecordingRun {
  private readonly log: Logger;
  private readonly recordingId: string;
  private readonly ended = deferred<End>();
  private grab: GrabProcess | undefined;
  private timeline: InstanceTimeline | undefined;
  private speaking = new SpeakingLog();
  private lease: Lease | undefined;
  private resume: ResumePoint = resumePoint([]);
  private phase: 'starting' | 'grabbing' | 'ending' = 'starting';
  private readonly pageReady = deferred<void>();
  private flowing = false;
  private startedPublished = false;
  private participants: CallParticipant[] = [];
  private storedHere = 0;
  private lastIndex = -1;
  private storeFailed = false;
  private storing: Promise<void> = Promise.resolve();
  private publishing: Promise<void> = Promise.resolve();
  private progress: GrabProgress | undefined;
  private progressAt = 0;
  private ackedOutTimeUs = -1;
  private heartbeatAt = 0;
  private lastReading: ProgressReading | undefined;

  constructor(
    private readonly tools: RunTools,
    private readonly job: CaptureJob,
    private readonly ctx: JobContext,
    private readonly session: CaptureSession,
  ) {
    this.recordingId = job.recordingId;
    this.log = ctx.log.child({ slot: session.slot });
  }

  /** The service is stopping: hand the recording to another instance (at once when `fast`). */
  handOver(fast: boolean): void {
    this.end({ kind: 'handover', fast });
  }

  async execute(): Promise<Outcome> {
    const { recordings, leases, config } = this.tools;
    this.log.info({ attempt: this.ctx.attempt }, 'capture job taken');
    const state = await readRecording(recordings, this.recordingId, this.log);
    const directive = captureDirective(state);
    if (directive === 'over') return skipped(`recording is ${state?.state ?? 'gone'}`);
    this.lease = new Lease(
      leases,
      leaseKeys.capture(this.recordingId),
      `${config.INSTANCE_ID}/${randomBytes(6).toString('hex')}`,
      LEASE_RENEW_MS,
      this.log,
      () =>
        this.end({ kind: 'failure', error: new CaptureError('lease_lost', 'the recording lease was lost') }),
    );
    if (!(await this.acquireLease())) {
      if (this.ended.settled || this.ctx.signal.aborted) {
        return retryLater(0, 'handed over: this capture instance is stopping');
      }
      return retryLater(buckets.leases.ttlMs, 'another capture holds the recording');
    }
    try {
      const stored = await this.tools.segments.stored(this.recordingId);
      const reannounced = await this.tools.segments.announceUnannounced(this.recordingId, stored);
      if (reannounced) this.log.warn({ count: reannounced }, 'stored segments announced late');
      this.resume = resumePoint(
        stored.map((s) => ({ index: s.index, ...s.meta })),
        state?.startedAt ? Date.parse(state.startedAt) : undefined,
      );
      this.lastIndex = this.resume.lastIndex;
      this.log.info(
        { nextIndex: this.resume.nextIndex, storedEndMs: this.resume.storedEndMs, directive },
        'recording lease taken',
      );
      this.speaking = new SpeakingLog(await this.tools.segments.loadSpeakingTimes(this.recordingId));
      if (directive === 'stop' || directive === 'missing') {
        this.end({ kind: 'finish', reason: directive === 'stop' ? 'stop-requested' : 'recording-missing' });
        return await this.wrapUp();
      }
      return await this.capture();
    } finally {
      await this.lease.release();
    }
  }

  private async capture(): Promise<Outcome> {
    const { config, recordings } = this.tools;
    const spec = this.job.spec;
    const watch = await watchRecording(recordings, this.recordingId, this.log, (s) => {
      const d = captureDirective(s);
      if (d === 'stop' || d === 'over') this.end({ kind: 'finish', reason: 'stop-requested' });
      if (d === 'missing') this.end({ kind: 'finish', reason: 'recording-missing' });
    });
    const onAbort = () => this.handOver(true);
    this.ctx.signal.addEventListener('abort', onAbort);
    const ticker = setInterval(() => this.tick(), TICK_MS);
    const session = this.session;
    try {
      // The browser starts while the signaling target is looked up; the page asks for it when loaded.
      const target = this.tools.targets.resolve(spec);
      const opened = await this.untilEnded(
        Promise.all([
          target,
          session.open(
            async () => callViewConfig(this.recordingId, spec, await target, randomBytes(32).toString('hex')),
            (report) => this.onReport(report),
          ),
        ]),
      );
      if (opened === ENDED) return await this.wrapUp();
      void session.browserLost.then((reason) =>
        this.end({ kind: 'failure', error: new CaptureError('chromium_lost', reason) }),
      );
      const deadline = timeout(config.PAGE_READY_TIMEOUT_S * 1000, 'timeout' as const);
      const ready = await this.untilEnded(Promise.race([this.pageReady.promise, deadline.promise]));
      deadline.cancel();
      if (ready === ENDED) return await this.wrapUp();
      if (ready === 'timeout') {
        const error = new CaptureError(
          'page_not_ready',
          `the page was not ready in ${config.PAGE_READY_TIMEOUT_S} s`,
        );
        this.end({ kind: 'failure', error });
        return await this.wrapUp();
      }
      this.startGrab(session);
      await this.ended.promise;
      return await this.wrapUp();
    } catch (err) {
      this.end({ kind: 'failure', error: asCaptureError(err, 'capture_failed') });
      return await this.wrapUp();
    } finally {
      clearInterval(ticker);
      watch.stop();
      this.ctx.signal.removeEventListener('abort', onAbort);
      await session.close(true);
    }
  }

  private startGrab(session: CaptureSession): void {
    const { config, clock } = this.tools;
    const spec = this.job.spec;
    const clockBaseMs = clock.now();
    this.timeline = new InstanceTimeline(this.resume, clockBaseMs);
    const grab = session.startGrab(
      {
        ...(spec.mode === 'video' ? { video: spec.video } : {}),
        segmentSeconds: spec.segmentSeconds,
        startIndex: this.resume.nextIndex,
        clockBaseMs,
        audioDelayMs: config.AV_SYNC_OFFSET_MS,
      },
      {
        onProgress: (p) => this.onProgress(p),
        onSegment: (s) => {
          this.storing = this.storing.then(() => this.store(s));
        },
      },
    );
    this.grab = grab;
    this.phase = 'grabbing';
    this.progressAt = clock.now();
    this.log.info(
      { display: session.displayName, nextIndex: this.resume.nextIndex, pid: grab.pid },
      'grab started',
    );
    void grab.done.then((exit) => {
      if (grab.stopping) return;
      const why = grab.lastErrors.join(' | ') || 'no error output';
      this.end({
        kind: 'failure',
        error: new CaptureError('ffmpeg_exited', `ffmpeg exited (${exit.code ?? exit.signal}): ${why}`),
      });
    });
    this.maybeAnnounceStart();
  }

  /** Finishes whatever the run was doing and turns the reason it ended into the job's outcome. */
  private async wrapUp(): Promise<Outcome> {
    const end = await this.ended.promise;
    this.phase = 'ending';
    this.log.info(
      { end: end.kind, ...(end.kind === 'failure' ? { code: end.error.code } : {}) },
      'capture ending',
    );
    if (this.grab) {
      const exit = this.grab.alive ? await this.grab.stop() : await this.grab.done;
      this.log.info({ code: exit.code, signal: exit.signal }, 'grab stopped');
    }
    await this.storing;
    // A session the run never used stays with the service (a standby for the next recording).
    if (!this.session.idle) await this.session.close(end.kind === 'handover' && end.fast);
    const speakingTimesObject = await this.saveSpeakingTimes();
    await this.publishing;
    switch (end.kind) {
      case 'finish':
        await this.tools.publisher.event(
          CaptureFinished,
          {
            v: 1,
            recordingId: this.recordingId,
            at: new Date(this.tools.clock.now()).toISOString(),
            instanceId: this.tools.config.INSTANCE_ID,
            lastIndex: this.lastIndex,
            ...(speakingTimesObject ? { speakingTimesObject } : {}),
            reason: end.reason,
          },
          `capture-finished-${this.recordingId}`,
        );
        this.log.info({ lastIndex: this.lastIndex, reason: end.reason }, 'capture finished');
        return done();
      case 'handover':
        return retryLater(0, 'handed over: this capture instance is stopping');
      case 'failure': {
        const error = this.diskFullInstead(end.error);
        if (error.permanent) return failed(error.code, error.message);
        return retryLater(backoffDelay(this.ctx.attempt, 1_000, 30_000), `${error.code}: ${error.message}`);
      }
    }
  }

  /**
   * Whatever broke (ffmpeg cannot write, Chromium cannot keep its profile), a full work disk is the
   * reason to report: no retry on this instance helps, and the admin must free space. The segments
   * stored so far stay in the object store.
   */
  private diskFullInstead(error: CaptureError): CaptureError {
    const { WORK_DIR, MIN_FREE_DISK_MB } = this.tools.config;
    let free: number;
    try {
      free = freeBytes(WORK_DIR);
    } catch {
      return error;
    }
    if (hasDiskRoom(free, MIN_FREE_DISK_MB) && !/No space left on device/i.test(error.message)) return error;
    return new CaptureError(
      'disk_full',
      `the capture's work disk is full (${Math.floor(free / 2 ** 20)} MiB free in ${WORK_DIR}, ${MIN_FREE_DISK_MB} MiB needed): ${error.message}`,
      true,
    );
  }

  private end(end: End): void {
    if (this.ended.settled) return;
    if (end.kind === 'failure') {
      this.log.warn({ code: end.error.code, reason: end.error.message }, 'capture broke');
    }
    this.ended.resolve(end);
  }

  private async untilEnded<T>(work: Promise<T>): Promise<T | typeof ENDED> {
    return Promise.race([work, this.ended.promise.then((): typeof ENDED => ENDED)]);
  }

  private async acquireLease(): Promise<boolean> {
    const deadline = this.tools.clock.now() + LEASE_WAIT_MS;
    for (;;) {
      if (await this.lease!.tryAcquire()) return true;
      if (this.tools.clock.now() > deadline || this.ctx.signal.aborted || this.ended.settled) return false;
      this.ctx.working();
      // The lease of a dead instance expires with the bucket's TTL, which sends no event: poll.
      await timeout(1_000, undefined).promise;
    }
  }

  private onReport(report: PageReport): void {
    switch (report.type) {
      case 'ready':
        this.pageReady.resolve();
        return;
      case 'media':
        this.log.info({ flowing: report.flowing }, 'page media');
        if (report.flowing) this.flowing = true;
        this.maybeAnnounceStart();
        return;
      case 'participants': {
        const list = toCallParticipants(report.participants);
        if (sameParticipants(list, this.participants)) return;
        this.participants = list;
        this.publish(() =>
          this.tools.publisher.event(CaptureParticipants, {
            v: 1,
            recordingId: this.recordingId,
            at: new Date(this.tools.clock.now()).toISOString(),
            participants: list,
          }),
        );
        return;
      }
      case 'speaking':
        this.speaking.apply(report);
        return;
      case 'error':
        this.end({ kind: 'failure', error: pageError(report.code, report.message) });
        return;
      case 'log':
        this.log[report.level]({ message: report.message }, 'page log');
        return;
    }
  }

  /** Talk's `started` means media flows into the grab: announce it once both are true. */
  private maybeAnnounceStart(): void {
    if (this.startedPublished || !this.flowing || !this.grab || this.phase !== 'grabbing') return;
    this.startedPublished = true;
    const resumed = this.resume.lastIndex >= 0 || this.ctx.attempt > 1;
    this.publish(() =>
      this.tools.publisher.event(
        CaptureStarted,
        {
          v: 1,
          recordingId: this.recordingId,
          at: new Date(this.tools.clock.now()).toISOString(),
          instanceId: this.tools.config.INSTANCE_ID,
          resumed,
          nextIndex: this.resume.nextIndex,
        },
        `capture-started-${this.recordingId}-${this.tools.config.INSTANCE_ID}-${this.ctx.attempt}`,
      ),
    );
    this.log.info({ resumed, nextIndex: this.resume.nextIndex }, 'capture started');
  }

  /** Events go out in the order they happened; a failed publish is logged, the capture goes on. */
  private publish(send: () => Promise<void>): void {
    this.publishing = this.publishing
      .then(send)
      .catch((err: unknown) => this.log.warn({ err }, 'event not published'));
  }

  private onProgress(p: GrabProgress): void {
    if (!this.progress || p.outTimeUs > this.progress.outTimeUs) this.progressAt = this.tools.clock.now();
    if (p.drop > (this.progress?.drop ?? 0)) {
      this.log.warn({ drop: p.drop, speed: p.speed }, 'grab dropped frames');
    }
    this.progress = p;
  }

  /**
   * Every second: acknowledge progress (only while ffmpeg's output time advances, so a hung grab is
   * redelivered to another instance) and declare a stall; every heartbeat interval, the live heartbeat.
   */
  private tick(): void {
    if (this.phase !== 'grabbing') {
      this.ctx.working();
      return;
    }
    const outTime = this.progress?.outTimeUs ?? -1;
    if (outTime > this.ackedOutTimeUs) {
      this.ackedOutTimeUs = outTime;
      this.ctx.working();
    }
    const quietMs = this.tools.clock.now() - this.progressAt;
    if (quietMs > this.tools.config.STALL_TIMEOUT_S * 1000) {
      this.end({
        kind: 'failure',
        error: new CaptureError('ffmpeg_stalled', `no grab progress for ${quietMs} ms`),
      });
      return;
    }
    const now = this.tools.clock.now();
    if (now - this.heartbeatAt < this.tools.config.HEARTBEAT_INTERVAL_S * 1000) return;
    this.heartbeatAt = now;
    const reading = this.progress ? { outTimeUs: this.progress.outTimeUs, atMs: this.progressAt } : undefined;
    const speed = reading ? (windowSpeed(this.lastReading, reading) ?? this.progress?.speed) : undefined;
    if (reading) this.lastReading = reading;
    this.tools.publisher.live(CaptureHeartbeat, subjects.captureHeartbeat(this.recordingId), {
      v: 1,
      recordingId: this.recordingId,
      at: new Date(now).toISOString(),
      instanceId: this.tools.config.INSTANCE_ID,
      segments: this.storedHere,
      participants: this.participants.length,
      ...(speed !== undefined ? { speed: Math.max(0, Number(speed.toFixed(3))) } : {}),
    });
  }

  /** Checksums, stores and announces one closed segment; after a failure nothing later is stored (no holes). */
  private async store(segment: ClosedSegment): Promise<void> {
    if (this.storeFailed || !this.timeline) return;
    const place = this.timeline.place(segment.startS, segment.endS);
    const log = this.log.child({ index: segment.index });
    if (place.durationMs < 1 || segment.bytes < 1) {
      log.info({ bytes: segment.bytes, durationMs: place.durationMs }, 'empty segment dropped');
      await rm(segment.path, { force: true });
      return;
    }
    if (!this.lease?.isHeld && !(await this.lease?.tryAcquire())) {
      this.storeFailed = true;
      log.warn('segment not stored: the recording lease is gone');
      return;
    }
    const meta = {
      v: 1 as const,
      ...place,
      hasVideo: this.job.spec.mode === 'video',
      hasAudio: true,
      instanceId: this.tools.config.INSTANCE_ID,
    };
    try {
      const stored = await this.withRetries(() =>
        this.tools.segments.put(this.recordingId, segment.index, segment.path, meta),
      );
      await this.withRetries(() =>
        this.tools.segments.announce(this.recordingId, {
          index: segment.index,
          object: stored.name,
          bytes: stored.bytes,
          sha256: stored.sha256,
          meta,
        }),
      );
      this.storedHere++;
      this.lastIndex = segment.index;
      await rm(segment.path, { force: true });
      log.info(
        {
          startMs: place.startMs,
          durationMs: place.durationMs,
          bytes: stored.bytes,
          gapBeforeMs: place.gapBeforeMs,
        },
        'segment stored',
      );
      if (!this.speaking.isEmpty) await this.saveSpeakingTimes();
    } catch (err) {
      this.storeFailed = true;
      this.end({ kind: 'failure', error: asCaptureError(err, 'store_failed') });
    }
  }

  private async withRetries<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (attempt >= STORE_ATTEMPTS) throw err;
        this.ctx.working();
        this.log.warn({ err, attempt }, 'store attempt failed');
        await timeout(backoffDelay(attempt, 500, 4_000), undefined).promise;
      }
    }
  }

  /**
   * Writes the speaking-times sidecar up to the end of the stored media (speech after it is not in the
   * recording); undefined when nobody spoke in this recording.
   */
  private async saveSpeakingTimes(): Promise<string | undefined> {
    if (this.speaking.isEmpty) return undefined;
    const begin = this.timeline?.beginWallMs ?? this.resume.beginWallMs;
    if (begin === undefined) return undefined;
    const end = this.timeline?.endWallMs ?? begin + this.resume.storedEndMs;
    try {
      return await this.tools.segments.saveSpeakingTimes(this.recordingId, this.speaking.sidecar(begin, end));
    } catch (err) {
      this.log.warn({ err }, 'speaking times not stored');
      return undefined;
    }
  }
}
