import {
  CAPTURING_STATES,
  FINAL_STATES,
  RECORDING_TRANSITIONS,
  type AnnounceNotice,
  type AnnouncementResult,
  type AssembleJob,
  type CaptureFinished,
  type CaptureJob,
  type CaptureStarted,
  type EncodeSegmentJob,
  type Failure,
  type RecordingEncoded,
  type RecordingRequested,
  type RecordingSpec,
  type RecordingState,
  type RecordingStateName,
  type RecordingTransitioned,
  type RecordingUploaded,
  type SegmentCaptured,
  type SegmentEncoded,
  type SegmentRef,
  type StageFailed,
  type TalkActor,
  type TalkAnnounceJob,
  type TalkCallback,
  type TalkCallbackJob,
  type TransitionActor,
  type UploadJob,
} from '@talkrec/contracts';

/** Everything that can happen to a recording. */
export type MachineInput =
  | { kind: 'start' }
  | { kind: 'stop'; reason: string; actor?: TalkActor | undefined; by?: TransitionActor | undefined }
  | { kind: 'capture.started'; event: CaptureStarted }
  | { kind: 'capture.segment'; event: SegmentCaptured }
  | { kind: 'capture.finished'; event: CaptureFinished }
  | { kind: 'encode.segment'; event: SegmentEncoded }
  | { kind: 'encode.assembled'; event: RecordingEncoded }
  | { kind: 'upload.done'; event: RecordingUploaded }
  | { kind: 'stage.failed'; event: StageFailed }
  | { kind: 'retry'; requestId: string; by?: TransitionActor | undefined }
  | { kind: 'media.deleted' }
  | { kind: 'announce.result'; event: AnnouncementResult };

/**
 * What the leader must do for a step, in this order, BEFORE it stores the new state: every publish carries
 * a deterministic message id, so a step redone after a crash publishes nothing twice.
 */
export type Effect =
  | { kind: 'publish.requested'; msgId: string; payload: RecordingRequested }
  | { kind: 'publish.transition'; msgId: string; payload: RecordingTransitioned }
  | { kind: 'job.capture'; msgId: string; payload: CaptureJob }
  | { kind: 'job.encode-segment'; msgId: string; payload: EncodeSegmentJob }
  /** Re-encode these segments (a retry); their refs come from the event log. */
  | { kind: 'job.encode-missing'; msgIdSuffix: string; indices: number[] }
  /** Assemble every encoded part; the parts come from the event log. */
  | { kind: 'job.assemble'; msgId: string }
  | { kind: 'job.upload'; msgId: string; payload: UploadJob }
  | { kind: 'talk.callback'; msgId: string; payload: TalkCallbackJob }
  /** Post a notice into the conversation (recordings with `spec.announce`). */
  | { kind: 'announce'; msgId: string; payload: TalkAnnounceJob }
  /** The room may get a new recording: free its entry in the activeRooms bucket. */
  | { kind: 'room.release' }
  /** Delete the recording's media (after the configured grace). */
  | { kind: 'media.delete' };

export interface Step {
  state: RecordingState;
  effects: Effect[];
  /** False when the input changed nothing (a redelivery, a stale event). */
  changed: boolean;
  /** Why a command was refused (retry of a recording that cannot be retried). */
  refused?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function newRecordingState(recordingId: string, spec: RecordingSpec, now: number): Step {
  const at = iso(now);
  const state: RecordingState = {
    v: 1,
    recordingId,
    spec,
    state: 'requested',
    createdAt: at,
    updatedAt: at,
    capture: { segments: [], durationMs: 0, gaps: [] },
    encoded: [],
  };
  return { state, effects: [requestedEffect(state)], changed: true };
}

/**
 * The `recording.requested` event of a recording, always with the same message id: published again when a
 * start is finished after a crash that lost it, so the audit trail never misses who asked for the recording.
 */
export function requestedEffect(state: RecordingState): Effect {
  const { recordingId, createdAt: at, spec } = state;
  return { kind: 'publish.requested', msgId: `req-${recordingId}`, payload: { v: 1, recordingId, at, spec } };
}

const segmentRef = (e: SegmentCaptured): SegmentRef => ({
  index: e.index,
  object: e.object,
  container: e.container,
  startMs: e.startMs,
  durationMs: e.durationMs,
  sha256: e.sha256,
  hasVideo: e.hasVideo,
  hasAudio: e.hasAudio,
  gapBeforeMs: e.gapBeforeMs,
});

/** A step in progress: the draft state, its effects, and a base for deterministic message ids. */
class Draft {
  readonly s: RecordingState;
  readonly effects: Effect[] = [];
  changed = false;
  /** The person behind this step (a stop or retry), named in its transitions. */
  by: TransitionActor | undefined;
  private readonly base: number;

  constructor(
    original: RecordingState,
    readonly now: number,
  ) {
    this.s = structuredClone(original);
    this.base = Date.parse(original.updatedAt);
  }

  get id(): string {
    return this.s.recordingId;
  }

  get talk() {
    return this.s.spec.trigger.kind === 'talk' ? this.s.spec.trigger : undefined;
  }

  touch(): void {
    this.changed = true;
    this.s.updatedAt = iso(this.now);
  }

  go(to: RecordingStateName, reason?: string, failure?: Failure): void {
    const actor = this.by;
    const from = this.s.state;
    if (!RECORDING_TRANSITIONS[from].includes(to)) {
      throw new Error(`recording ${this.id}: no transition ${from} → ${to}`);
    }
    this.effects.push({
      kind: 'publish.transition',
      msgId: `tr-${this.id}-${from}-${to}-${this.base}`,
      payload: {
        v: 1,
        recordingId: this.id,
        at: iso(this.now),
        from,
        to,
        ...(reason ? { reason } : {}),
        ...(failure ? { failure } : {}),
        ...(actor ? { actor } : {}),
      },
    });
    this.s.state = to;
    if (failure) this.s.failure = failure;
    this.touch();
  }

  callback(callback: TalkCallback): void {
    const talk = this.talk;
    if (!talk) return;
    this.effects.push({
      kind: 'talk.callback',
      msgId: `cb-${this.id}-${callback.type}`,
      payload: {
        v: 1,
        recordingId: this.id,
        at: iso(this.now),
        backendId: this.s.spec.backend.id,
        callback,
      },
    });
  }

  /** A notice for the conversation; `key` makes its message id (one notice per key and recording). */
  announce(notice: AnnounceNotice, key: string = notice.kind): void {
    if (!this.s.spec.announce) return;
    this.effects.push({
      kind: 'announce',
      msgId: `announce-${this.id}-${key}`,
      payload: {
        v: 1,
        recordingId: this.id,
        at: iso(this.now),
        backendId: this.s.spec.backend.id,
        roomToken: this.s.spec.room.token,
        notice,
      },
    });
  }

  result(refused?: string): Step {
    return { state: this.s, effects: this.effects, changed: this.changed, ...(refused ? { refused } : {}) };
  }
}

const isCapturing = (state: RecordingStateName) => CAPTURING_STATES.includes(state);

/** The one place recording state changes: `(state, input) → (state', effects)`. Pure. */
export function step(state: RecordingState, input: MachineInput, now: number): Step {
  const d = new Draft(state, now);
  // A delivered recording only learns where its media and its notices went.
  if (state.state === 'done' && input.kind !== 'media.deleted' && input.kind !== 'announce.result') {
    return d.result();
  }
  switch (input.kind) {
    case 'start':
      startCapture(d);
      break;
    case 'stop':
      stop(d, input.reason, input.actor, input.by);
      break;
    case 'capture.started':
      captureStarted(d, input.event);
      break;
    case 'capture.segment':
      segmentCaptured(d, input.event);
      break;
    case 'capture.finished':
      captureFinished(d, input.event);
      break;
    case 'encode.segment':
      segmentEncoded(d, input.event);
      break;
    case 'encode.assembled':
      assembled(d, input.event);
      break;
    case 'upload.done':
      uploaded(d, input.event);
      break;
    case 'stage.failed':
      stageFailed(d, input.event);
      break;
    case 'retry':
      return retry(d, input.requestId, input.by);
    case 'media.deleted':
      if (!d.s.mediaDeletedAt) {
        d.s.mediaDeletedAt = iso(now);
        d.touch();
      }
      break;
    case 'announce.result':
      announced(d, input.event);
      break;
  }
  return d.result();
}

function announced(d: Draft, e: AnnouncementResult): void {
  const list = d.s.announcements ?? [];
  if (list.some((a) => a.notice === e.notice && a.result === e.result && a.at === e.at)) return;
  d.s.announcements = [
    ...list,
    {
      notice: e.notice,
      result: e.result,
      at: e.at,
      ...(e.status !== undefined ? { status: e.status } : {}),
      ...(e.reason ? { reason: e.reason } : {}),
    },
  ];
  d.touch();
}

function startCapture(d: Draft, msgIdSuffix = ''): void {
  if (d.s.state !== 'requested' && d.s.state !== 'failed') return;
  d.effects.push({
    kind: 'job.capture',
    msgId: `capture-${d.id}${msgIdSuffix}`,
    payload: { v: 1, recordingId: d.id, at: iso(d.now), spec: d.s.spec },
  });
  if (d.s.state === 'requested') d.go('starting', 'capture job queued');
}

function stop(d: Draft, reason: string, actor: TalkActor | undefined, by: TransitionActor | undefined): void {
  if (d.s.state === 'requested') startCapture(d);
  if (d.s.state !== 'starting' && d.s.state !== 'recording') return;
  d.s.stopRequestedAt = iso(d.now);
  d.s.stopReason = reason;
  if (actor) d.s.stopActor = actor;
  d.by = by;
  d.go('stopping', reason);
}

function captureStarted(d: Draft, e: CaptureStarted): void {
  const s = d.s;
  if (!['starting', 'recording', 'stopping'].includes(s.state)) return;
  if (s.capture.instanceId !== e.instanceId) {
    s.capture.instanceId = e.instanceId;
    d.touch();
  }
  if (!s.startedAt) {
    s.startedAt = e.at;
    d.touch();
  }
  if (s.state !== 'starting') return;
  d.go('recording', e.resumed ? 'media flowing (resumed)' : 'media flowing');
  d.announce({ kind: 'started', trigger: s.spec.trigger });
  const talk = d.talk;
  if (talk) {
    d.callback({
      type: 'started',
      started: { token: s.spec.room.token, status: talk.status, actor: talk.actor },
    });
  }
}

function segmentCaptured(d: Draft, e: SegmentCaptured): void {
  const s = d.s;
  if (s.capture.segments.includes(e.index)) return;
  s.capture.segments = [...s.capture.segments, e.index].sort((a, b) => a - b);
  s.capture.durationMs += e.durationMs;
  s.capture.instanceId = e.instanceId;
  if (e.gapBeforeMs > 0) s.capture.gaps.push({ beforeIndex: e.index, ms: e.gapBeforeMs });
  const last = s.capture.last;
  const previous = e.gapBeforeMs === 0 && last?.index === e.index - 1 ? last : undefined;
  if (!last || e.index > last.index) s.capture.last = segmentRef(e);
  d.touch();
  if (s.state === 'failed') return;
  d.effects.push({
    kind: 'job.encode-segment',
    msgId: `encode-${d.id}-${e.index}`,
    payload: {
      v: 1,
      recordingId: d.id,
      at: iso(d.now),
      segment: segmentRef(e),
      ...(previous ? { previous } : {}),
      output: s.spec.output,
      video: s.spec.video,
    },
  });
}

function captureFinished(d: Draft, e: CaptureFinished): void {
  const s = d.s;
  if (s.capture.finalIndex === undefined || s.capture.finalIndex !== e.lastIndex) {
    s.capture.finalIndex = e.lastIndex;
    if (e.speakingTimesObject) s.capture.speakingTimesObject = e.speakingTimesObject;
    d.touch();
  }
  if (s.state === 'starting' || s.state === 'recording') d.go('stopping', 'capture finished by itself');
  if (s.state !== 'stopping') return;
  d.go('captured', e.reason === 'recording-missing' ? 'capture lost the recording' : 'capture finished');
  // Only a recording people were told about (media flowed) is announced as stopped or failed.
  if (s.startedAt) d.announce({ kind: 'stopped' });
  d.effects.push({ kind: 'room.release' });
  const talk = d.talk;
  if (talk) {
    d.callback({
      type: 'stopped',
      stopped: { token: s.spec.room.token, ...(s.stopActor ? { actor: s.stopActor } : {}) },
    });
  }
  if (e.lastIndex < 0) {
    d.go('failed', 'nothing captured', {
      stage: 'capture',
      code: 'nothing_captured',
      reason: 'the capture ended before any media was stored',
      at: iso(d.now),
    });
    if (s.startedAt) d.announce({ kind: 'failed' });
    return;
  }
  assembleWhenComplete(d);
}

const missingEncodes = (s: RecordingState): number[] => {
  const final = s.capture.finalIndex ?? -1;
  const encoded = new Set(s.encoded);
  const missing: number[] = [];
  for (let i = 0; i <= final; i++) if (!encoded.has(i)) missing.push(i);
  return missing;
};

function assembleWhenComplete(d: Draft, msgIdSuffix = ''): void {
  const s = d.s;
  if (s.state !== 'captured' && s.state !== 'failed') return;
  if (s.capture.finalIndex === undefined || s.capture.finalIndex < 0 || missingEncodes(s).length) return;
  d.effects.push({ kind: 'job.assemble', msgId: `assemble-${d.id}${msgIdSuffix}` });
  d.go('encoding', 'every segment encoded');
}

function segmentEncoded(d: Draft, e: SegmentEncoded): void {
  const s = d.s;
  if (s.encoded.includes(e.index)) return;
  s.encoded = [...s.encoded, e.index].sort((a, b) => a - b);
  d.touch();
  if (s.state === 'captured') assembleWhenComplete(d);
}

function assembled(d: Draft, e: RecordingEncoded): void {
  const s = d.s;
  if (s.state !== 'encoding') return;
  s.final = {
    object: e.object,
    fileName: e.fileName,
    mime: e.mime,
    bytes: e.bytes,
    durationMs: e.durationMs,
    sha256: e.sha256,
  };
  d.go('encoded', 'file assembled');
  queueUpload(d);
}

function queueUpload(d: Draft, msgIdSuffix = ''): void {
  const s = d.s;
  const final = s.final!;
  d.effects.push({
    kind: 'job.upload',
    msgId: `upload-${d.id}${msgIdSuffix}`,
    payload: {
      v: 1,
      recordingId: d.id,
      at: iso(d.now),
      object: final.object,
      fileName: final.fileName,
      mime: final.mime,
      bytes: final.bytes,
      sha256: final.sha256,
      target: s.spec.upload,
      room: { backendId: s.spec.backend.id, backendUrl: s.spec.backend.url, token: s.spec.room.token },
      ...(s.capture.speakingTimesObject ? { speakingTimesObject: s.capture.speakingTimesObject } : {}),
    },
  });
  d.go('uploading', 'upload queued');
}

function uploaded(d: Draft, e: RecordingUploaded): void {
  const s = d.s;
  if (s.state !== 'uploading') return;
  s.upload = { location: e.location, ...(e.url ? { url: e.url } : {}), confirmedAt: e.at };
  d.go('done', `delivered to ${e.target}`);
  d.announce({
    kind: 'delivered',
    fileName: s.final?.fileName ?? s.spec.fileName,
    target: e.target,
    location: e.location,
    ...(e.url ? { url: e.url } : {}),
    sharedToRoom: e.sharedToRoom,
  });
  d.effects.push({ kind: 'media.delete' });
}

/** The states a stage's failure can still apply to; a failure reported later is stale. */
const STAGE_STATES: Record<StageFailed['stage'], readonly RecordingStateName[]> = {
  controller: [
    'requested',
    'starting',
    'recording',
    'stopping',
    'captured',
    'encoding',
    'encoded',
    'uploading',
  ],
  capture: ['requested', 'starting', 'recording', 'stopping'],
  // Segments are encoded while the call is still being recorded.
  encode: ['starting', 'recording', 'stopping', 'captured', 'encoding'],
  upload: ['encoded', 'uploading'],
};

function stageFailed(d: Draft, e: StageFailed): void {
  const s = d.s;
  if (FINAL_STATES.includes(s.state) || !STAGE_STATES[e.stage].includes(s.state)) return;
  const wasCapturing = isCapturing(s.state);
  const failure: Failure = { stage: e.stage, code: e.code, reason: e.reason, at: e.at };
  d.go('failed', `${e.stage} failed: ${e.code}`, failure);
  // A failure after a retry is a new one: its notice gets its own message id.
  if (s.startedAt) d.announce({ kind: 'failed' }, `failed-${Date.parse(e.at)}`);
  if (!wasCapturing) return;
  d.effects.push({ kind: 'room.release' });
  // Talk hears `failed` only while it still shows the recording as running; after `stopped` its status is
  // already 0, and the official recorder reports no later failure either.
  d.callback({ type: 'failed', failed: { token: s.spec.room.token } });
}

function retry(d: Draft, requestId: string, by: TransitionActor | undefined): Step {
  const s = d.s;
  if (s.state !== 'failed' || !s.failure) {
    return d.result(`only a failed recording can be retried (it is ${s.state})`);
  }
  if (s.mediaDeletedAt) return d.result('its media was purged (retention)');
  d.by = by;
  const suffix = `-retry-${requestId}`;
  const stage = s.failure.stage;
  if (stage === 'upload') {
    if (!s.final) return d.result('nothing was assembled yet');
    delete s.failure;
    queueUpload(d, suffix);
    return d.result();
  }
  if (stage === 'controller' || (stage === 'capture' && s.failure.code === 'nothing_captured')) {
    return d.result(`a ${stage} failure (${s.failure.code}) cannot be retried`);
  }
  if (s.capture.finalIndex === undefined) {
    if (stage !== 'capture') return d.result('the capture has not finished yet');
    // Salvage: a capture instance takes the job, sees `stopping`, and finishes with what is stored.
    delete s.failure;
    startCapture(d, suffix);
    s.stopRequestedAt = iso(d.now);
    s.stopReason = 'retry: finish the capture';
    d.go('stopping', s.stopReason);
    return d.result();
  }
  delete s.failure;
  const missing = missingEncodes(s);
  if (missing.length) {
    d.effects.push({ kind: 'job.encode-missing', msgIdSuffix: suffix, indices: missing });
    d.go('captured', 're-encoding missing segments');
  } else {
    assembleWhenComplete(d, suffix);
  }
  return d.result();
}

/** The assemble job for a recording whose segments are all encoded (parts from the event log). */
export function buildAssembleJob(
  s: RecordingState,
  captured: ReadonlyMap<number, SegmentCaptured>,
  encoded: ReadonlyMap<number, SegmentEncoded>,
  now: number,
): AssembleJob | string {
  const final = s.capture.finalIndex ?? -1;
  const parts: AssembleJob['parts'] = [];
  for (let i = 0; i <= final; i++) {
    const c = captured.get(i);
    const e = encoded.get(i);
    if (!c || !e) return `segment ${i} is missing from the event log (${c ? 'encode' : 'capture'})`;
    parts.push({
      index: i,
      object: e.object,
      startMs: c.startMs,
      durationMs: e.durationMs,
      gapBeforeMs: c.gapBeforeMs,
    });
  }
  return {
    v: 1,
    recordingId: s.recordingId,
    at: iso(now),
    parts,
    output: s.spec.output,
    video: s.spec.video,
    fileName: s.spec.fileName,
    poster: s.spec.mode === 'video',
  };
}

/** Encode jobs for segments to be encoded again (retry), `previous` set where contiguous. */
export function buildEncodeJobs(
  s: RecordingState,
  indices: readonly number[],
  captured: ReadonlyMap<number, SegmentCaptured>,
  now: number,
): EncodeSegmentJob[] {
  return indices.flatMap((i) => {
    const c = captured.get(i);
    if (!c) return [];
    const p = captured.get(i - 1);
    return [
      {
        v: 1 as const,
        recordingId: s.recordingId,
        at: iso(now),
        segment: segmentRef(c),
        ...(p && c.gapBeforeMs === 0 ? { previous: segmentRef(p) } : {}),
        output: s.spec.output,
        video: s.spec.video,
      },
    ];
  });
}
