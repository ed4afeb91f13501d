import { z } from 'zod';
import { RecordingId, Stage, TalkActor, Timestamp, schemaVersion } from '../common.js';
import { AnnouncementRecord } from '../events/announce.js';
import { SegmentRef } from '../jobs/encode.js';
import { RecordingSpec } from './spec.js';

/**
 * A recording's life: requested → starting → recording → stopping → captured → encoding → encoded →
 * uploading → done, or failed from any state.
 */
export const RecordingStateName = z.enum([
  'requested',
  'starting',
  'recording',
  'stopping',
  'captured',
  'encoding',
  'encoded',
  'uploading',
  'done',
  'failed',
]);
export type RecordingStateName = z.infer<typeof RecordingStateName>;

/** Transitions the controller may make; `failed` is reachable from every non-final state. */
export const RECORDING_TRANSITIONS: Readonly<Record<RecordingStateName, readonly RecordingStateName[]>> = {
  requested: ['starting', 'failed'],
  starting: ['recording', 'stopping', 'failed'],
  recording: ['stopping', 'failed'],
  stopping: ['captured', 'failed'],
  captured: ['encoding', 'failed'],
  encoding: ['encoded', 'failed'],
  encoded: ['uploading', 'failed'],
  uploading: ['done', 'failed'],
  done: [],
  // A failed stage can be retried from the admin API; the stage decides where the recording resumes.
  failed: ['stopping', 'captured', 'encoding', 'encoded', 'uploading'],
};

export const FINAL_STATES: readonly RecordingStateName[] = ['done', 'failed'];
/** States in which a capture is (or should be) running. */
export const CAPTURING_STATES: readonly RecordingStateName[] = [
  'requested',
  'starting',
  'recording',
  'stopping',
];

export const Failure = z.object({
  stage: Stage,
  /** Stable machine-readable code, e.g. `ffmpeg_failed`, `upload_rejected`. */
  code: z.string().min(1),
  /** Human-readable reason, safe to show an admin (no secrets). */
  reason: z.string().min(1),
  at: Timestamp,
});
export type Failure = z.infer<typeof Failure>;

export const CaptureGap = z.object({
  /** Index of the first segment after the gap. */
  beforeIndex: z.number().int().min(0),
  /** Length of the gap in milliseconds of call time. */
  ms: z.number().int().min(0),
});

/** The value of a recording in the `recordings` KV bucket. Written only by the controller. */
export const RecordingState = z.object({
  v: schemaVersion(1),
  recordingId: RecordingId,
  spec: RecordingSpec,
  state: RecordingStateName,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** When media started flowing (capture.started). */
  startedAt: Timestamp.optional(),
  /** When a stop was decided, and why (call ended, Talk stop, admin, safety net). */
  stopRequestedAt: Timestamp.optional(),
  stopReason: z.string().optional(),
  /** Who stopped it in Talk; echoed in the `stopped` callback. */
  stopActor: TalkActor.optional(),
  capture: z.object({
    /** Indices of segments stored and announced, ascending. */
    segments: z.array(z.number().int().min(0)),
    /** Media milliseconds captured so far (sum of segment durations). */
    durationMs: z.number().int().min(0),
    gaps: z.array(CaptureGap),
    /** Set by capture.finished: the last index that will ever exist. */
    finalIndex: z.number().int().min(-1).optional(),
    instanceId: z.string().optional(),
    /** The newest segment, kept so the next one's encode job can name it as `previous`. */
    last: SegmentRef.optional(),
    /** Talk's speaking-times sidecar, from capture.finished. */
    speakingTimesObject: z.string().optional(),
  }),
  /** Indices of segments already encoded. */
  encoded: z.array(z.number().int().min(0)),
  final: z
    .object({
      object: z.string(),
      fileName: z.string(),
      mime: z.string(),
      bytes: z.number().int().min(0),
      durationMs: z.number().int().min(0),
      sha256: z.string(),
    })
    .optional(),
  upload: z
    .object({
      location: z.string(),
      url: z.string().optional(),
      confirmedAt: Timestamp,
    })
    .optional(),
  failure: Failure.optional(),
  /** When the recording's media was deleted from the object store (after the upload was confirmed). */
  mediaDeletedAt: Timestamp.optional(),
  /** Notices about the recording in its conversation, one entry per outcome, oldest first. */
  announcements: z.array(AnnouncementRecord).optional(),
});
export type RecordingState = z.infer<typeof RecordingState>;
