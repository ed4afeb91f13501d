import { inject, injectable } from 'tsyringe';
import {
  CaptureJob,
  EncodeSegmentJob,
  AssembleJob,
  RecordingRequested,
  RecordingTransitioned,
  TalkAnnounceJob,
  TalkCallbackJob,
  UploadJob,
  subjects,
  type Layout,
  type RecordingMode,
  type RecordingState,
  type TransitionActor,
  type Trigger,
} from '@talkrec/contracts';
import {
  TOKENS,
  backoffDelay,
  newRecordingId,
  type BackendConfig,
  type Clock,
  type Logger,
  type MediaStore,
  type Publisher,
} from '@talkrec/platform';
import { mediaObjects } from '@talkrec/contracts';
import type { ControllerConfig } from '../config.js';
import type { EventLog } from '../adapters/event-log.js';
import type { StateStore } from '../adapters/state-store.js';
import { StaleRevision } from '../adapters/state-store.js';
import {
  buildAssembleJob,
  buildEncodeJobs,
  newRecordingState,
  requestedEffect,
  step,
  type Effect,
  type MachineInput,
  type Step,
} from '../core/recording-machine.js';
import { roomKeyString, type RoomKey } from '../core/room-key.js';
import { buildSpec, type SpecDefaults } from '../core/spec-builder.js';
import type { ControllerMetrics } from '../metrics.js';
import { CTOKENS } from '../tokens.js';
import { KeyedMutex } from './keyed-mutex.js';

export interface StartRequest {
  room: RoomKey;
  mode: RecordingMode;
  layout: Layout;
  trigger: Trigger;
  /** Post notices into the conversation (see core/announce-policy). */
  announce: boolean;
}

export interface StartResult {
  recordingId: string;
  /** False when the room already had an active recording (a duplicate start). */
  created: boolean;
}

const CAS_ATTEMPTS = 5;
const START_RETRY_BASE_MS = 500;
const START_RETRY_MAX_MS = 30_000;

/**
 * The leader's hands: runs the recording machine for one recording at a time, carries out its effects
 * (publishes with deterministic message ids first, then the compare-and-set of the new state), and owns
 * the "one active recording per room" claim.
 */
@injectable()
export class Orchestrator {
  private readonly recordingLocks = new KeyedMutex();
  private readonly roomLocks = new KeyedMutex();
  private readonly mediaTimers = new Map<string, NodeJS.Timeout>();
  private readonly startTimers = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  /** Told when a recording stops capturing (the call watcher drops its safety net). */
  onCaptureEnded: (room: RoomKey, recordingId: string) => void = () => undefined;

  constructor(
    @inject(TOKENS.Config) private readonly config: ControllerConfig,
    @inject(CTOKENS.Backends) private readonly backends: ReadonlyMap<string, BackendConfig>,
    @inject(CTOKENS.SpecDefaults) private readonly defaults: SpecDefaults,
    @inject(CTOKENS.Store) private readonly store: StateStore,
    @inject(CTOKENS.EventLog) private readonly eventLog: EventLog,
    @inject(TOKENS.Publisher) private readonly publisher: Publisher,
    @inject(TOKENS.Media) private readonly media: MediaStore,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly log: Logger,
    @inject(CTOKENS.ControllerMetrics) private readonly metrics: ControllerMetrics,
  ) {}

  /** Starts a recording in a room unless one is active there (then that one is returned). */
  startRecording(req: StartRequest): Promise<StartResult> {
    return this.roomLocks.run(roomKeyString(req.room), async () => {
      const backend = this.backends.get(req.room.backendId);
      if (!backend) throw new Error(`backend ${req.room.backendId} is not configured`);
      const now = this.clock.now();
      const recordingId = newRecordingId(now);
      const spec = buildSpec(
        {
          recordingId,
          backend: { id: backend.id, url: backend.url },
          roomToken: req.room.roomToken,
          mode: req.mode,
          layout: req.layout,
          trigger: req.trigger,
          announce: req.announce,
          at: new Date(now),
        },
        this.defaults,
      );
      // The claim is the check: one round trip when the room is free, the common case.
      while (!(await this.store.claimRoom(req.room, recordingId))) {
        const existing = await this.store.activeRecording(req.room);
        if (!existing) continue;
        const current = await this.store.recording(existing);
        if (current) {
          // A leader that died between storing and queueing left it `requested`: finish the start.
          if (current.value.state === 'requested') await this.resumeStart(current.value);
          return { recordingId: existing, created: false };
        }
        // Claimed by a leader that died before storing the recording: the claim holds nothing.
        this.log.warn({ room: roomKeyString(req.room), recordingId: existing }, 'stale room claim released');
        await this.store.releaseRoom(req.room, existing);
      }
      const created = newRecordingState(recordingId, spec, now);
      await this.recordingLocks.run(recordingId, async () => {
        // Stored and announced in one round trip (the decision's latency). Should one of them fail, the
        // redelivered HPB message decides again: a claim without a recording is released (the log may then
        // hold a `requested` that led nowhere), a stored one is announced again and started (resumeStart).
        await Promise.all([
          this.store.createRecording(created.state),
          this.execute(created.state, created.effects),
        ]);
        this.metrics.recordingsStarted.inc({ trigger: req.trigger.kind });
        this.log.info(
          { recordingId, room: roomKeyString(req.room), trigger: req.trigger, mode: req.mode },
          'recording requested',
        );
      });
      this.finishStart(recordingId);
      return { recordingId, created: true };
    });
  }

  /** Stops the room's active recording; undefined when there is none. */
  async stopRoom(
    room: RoomKey,
    reason: string,
    actor?: RecordingState['stopActor'],
    by?: TransitionActor,
  ): Promise<string | undefined> {
    const id = await this.store.activeRecording(room);
    if (!id) return undefined;
    await this.apply(id, { kind: 'stop', reason, actor, by });
    return id;
  }

  /**
   * Deletes a recording's media when `allowed` says so for its current state, and records the deletion;
   * under the recording's lock, so no retry slips in between the check and the deletion. Returns the
   * number of objects deleted, or undefined when the recording is unknown or not allowed.
   */
  purgeMedia(recordingId: string, allowed: (s: RecordingState) => boolean): Promise<number | undefined> {
    return this.recordingLocks.run(recordingId, async () => {
      const current = await this.store.recording(recordingId);
      if (!current || !allowed(current.value)) return undefined;
      const count = await this.media.deletePrefix(mediaObjects.prefix(recordingId));
      await this.applyLocked(recordingId, { kind: 'media.deleted' });
      return count;
    });
  }

  /** One machine step for a recording; undefined when the recording does not exist. */
  apply(recordingId: string, input: MachineInput): Promise<Step | undefined> {
    return this.recordingLocks.run(recordingId, () => this.applyLocked(recordingId, input));
  }

  private async applyLocked(recordingId: string, input: MachineInput): Promise<Step | undefined> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.store.recording(recordingId);
      if (!current) return undefined;
      const result = step(current.value, input, this.clock.now());
      if (!result.changed && result.effects.length === 0) return result;
      await this.execute(result.state, result.effects);
      try {
        await this.store.updateRecording(result.state, current.revision);
      } catch (err) {
        if (!(err instanceof StaleRevision) || attempt >= CAS_ATTEMPTS) throw err;
        continue;
      }
      if (result.state.state !== current.value.state) {
        this.log.info(
          { recordingId, from: current.value.state, to: result.state.state, input: input.kind },
          'recording transitioned',
        );
      }
      if (result.effects.some((e) => e.kind === 'media.delete')) this.scheduleMediaDelete(result.state);
      return result;
    }
  }

  /** Takeover: finish half-made starts and pending media deletions of the previous leader. */
  async reconcile(): Promise<void> {
    this.stopped = false;
    for (const r of await this.store.listRecordings()) {
      if (r.state === 'requested') {
        this.log.info({ recordingId: r.recordingId }, 'finishing a start the previous leader left');
        await this.resumeStart(r);
      } else if (r.state === 'done' && !r.mediaDeletedAt) {
        this.scheduleMediaDelete(r);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of [...this.mediaTimers.values(), ...this.startTimers.values()]) clearTimeout(t);
    this.mediaTimers.clear();
    this.startTimers.clear();
  }

  /** Finishes a half-made start: its `requested` event if it never made it to the log, then the capture job. */
  private async resumeStart(state: RecordingState): Promise<void> {
    if (!(await this.eventLog.hasRequested(state.recordingId))) {
      await this.execute(state, [requestedEffect(state)]);
    }
    await this.apply(state.recordingId, { kind: 'start' });
  }

  /**
   * Queues the capture job of a new recording without holding up the next decision (the leader decides
   * one HPB message at a time). A failure is retried with backoff; a leader that dies first leaves the
   * recording `requested`, and the next one finishes the start in reconcile().
   */
  private finishStart(recordingId: string, attempt = 1): void {
    this.startTimers.delete(recordingId);
    void this.apply(recordingId, { kind: 'start' }).catch((err: unknown) => {
      if (this.stopped) return;
      const delayMs = backoffDelay(attempt, START_RETRY_BASE_MS, START_RETRY_MAX_MS);
      this.log.warn({ err, recordingId, attempt, delayMs }, 'capture job not queued; retrying');
      this.startTimers.set(
        recordingId,
        setTimeout(() => this.finishStart(recordingId, attempt + 1), delayMs),
      );
    });
  }

  private async execute(state: RecordingState, effects: readonly Effect[]): Promise<void> {
    const id = state.recordingId;
    for (const e of effects) {
      switch (e.kind) {
        case 'publish.requested':
          await this.publisher.event(RecordingRequested, e.payload, e.msgId);
          break;
        case 'publish.transition':
          await this.publisher.event(RecordingTransitioned, e.payload, e.msgId);
          this.metrics.transitions.inc({ to: e.payload.to });
          break;
        case 'job.capture':
          await this.publisher.job(CaptureJob, subjects.captureJob(id), e.payload, e.msgId);
          break;
        case 'job.encode-segment':
          await this.publisher.job(EncodeSegmentJob, subjects.encodeSegmentJob(id), e.payload, e.msgId);
          break;
        case 'job.encode-missing': {
          const log = await this.eventLog.segments(id);
          for (const job of buildEncodeJobs(state, e.indices, log.captured, this.clock.now())) {
            const msgId = `encode-${id}-${job.segment.index}${e.msgIdSuffix}`;
            await this.publisher.job(EncodeSegmentJob, subjects.encodeSegmentJob(id), job, msgId);
          }
          break;
        }
        case 'job.assemble': {
          const log = await this.eventLog.segments(id);
          const job = buildAssembleJob(state, log.captured, log.encoded, this.clock.now());
          if (typeof job === 'string') throw new Error(`recording ${id}: cannot assemble: ${job}`);
          await this.publisher.job(AssembleJob, subjects.assembleJob(id), job, e.msgId);
          break;
        }
        case 'job.upload':
          await this.publisher.job(UploadJob, subjects.uploadJob(id), e.payload, e.msgId);
          break;
        case 'talk.callback':
          await this.publisher.job(TalkCallbackJob, subjects.talkCallbackJob(id), e.payload, e.msgId);
          break;
        case 'announce':
          await this.publisher.job(TalkAnnounceJob, subjects.talkAnnounceJob(id), e.payload, e.msgId);
          break;
        case 'room.release': {
          const room = { backendId: state.spec.backend.id, roomToken: state.spec.room.token };
          await this.store.releaseRoom(room, id);
          this.onCaptureEnded(room, id);
          break;
        }
        case 'media.delete':
          break;
      }
    }
  }

  private scheduleMediaDelete(state: RecordingState): void {
    const id = state.recordingId;
    if (this.mediaTimers.has(id)) return;
    const confirmed = Date.parse(state.upload?.confirmedAt ?? state.updatedAt);
    const delay = Math.max(0, confirmed + this.config.MEDIA_DELETE_GRACE_S * 1000 - this.clock.now());
    const timer = setTimeout(() => {
      this.mediaTimers.delete(id);
      void this.deleteMedia(id);
    }, delay);
    this.mediaTimers.set(id, timer);
  }

  private async deleteMedia(recordingId: string): Promise<void> {
    try {
      const count = await this.purgeMedia(recordingId, (s) => s.state === 'done');
      if (count !== undefined) {
        this.log.info({ recordingId, objects: count }, 'media deleted after confirmed upload');
      }
    } catch (err) {
      this.log.error({ err, recordingId }, 'media not deleted; the retention purge will retry');
    }
  }
}
