import { z } from 'zod';
import { RecordingId, Sha256Hex, Timestamp, schemaVersion } from '../common.js';
import { defineMessage } from '../message.js';

/** Media is flowing into the grab: the moment Talk's `started` callback may be sent. */
export const CaptureStarted = defineMessage(
  'capture.started',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    /** The capture instance that holds the recording now. */
    instanceId: z.string().min(1),
    /** True when this instance took over a recording another instance had started. */
    resumed: z.boolean(),
    /** Index the first segment of this instance will get. */
    nextIndex: z.number().int().min(0),
  }),
);
export type CaptureStarted = z.infer<typeof CaptureStarted.schema>;

/** A closed segment was checksummed and stored in the media object store. */
export const SegmentCaptured = defineMessage(
  'capture.segment',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    instanceId: z.string().min(1),
    /** 0-based, gapless per recording across capture takeovers. */
    index: z.number().int().min(0),
    /** Object name in the media bucket. */
    object: z.string().min(1),
    /** Container of the segment file (capture format, not the delivered one). */
    container: z.enum(['mkv', 'nut']),
    /** Start of the segment on the recording's timeline, in milliseconds since the recording began. */
    startMs: z.number().int().min(0),
    /** Duration in milliseconds (from the container). */
    durationMs: z.number().int().min(1),
    /** Size in bytes. */
    bytes: z.number().int().min(1),
    sha256: Sha256Hex,
    hasVideo: z.boolean(),
    hasAudio: z.boolean(),
    /** Milliseconds of call time missing before this segment (a capture takeover); 0 normally. */
    gapBeforeMs: z.number().int().min(0),
  }),
);
export type SegmentCaptured = z.infer<typeof SegmentCaptured.schema>;

export const CallParticipant = z.object({
  /** Signaling session id. */
  sessionId: z.string().min(1),
  displayName: z.string().optional(),
  userId: z.string().optional(),
  /** Whether the participant sends audio or video. */
  publishing: z.boolean(),
});
export type CallParticipant = z.infer<typeof CallParticipant>;

/** Who the capture's own page sees in the call; the controller's safety net for missed call ends. */
export const CaptureParticipants = defineMessage(
  'capture.participants',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    /** Participants in the call, the recorder itself excluded. */
    participants: z.array(CallParticipant),
  }),
);
export type CaptureParticipants = z.infer<typeof CaptureParticipants.schema>;

/** Liveness of a running capture; published on a live (not persisted) subject. */
export const CaptureHeartbeat = defineMessage(
  'capture.heartbeat',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    instanceId: z.string().min(1),
    /** Segments this instance has stored so far. */
    segments: z.number().int().min(0),
    /** Participants in the call, the recorder excluded. */
    participants: z.number().int().min(0),
    /** ffmpeg's processing speed (1.0 = real time); below ~0.98 the machine is overloaded. */
    speed: z.number().min(0).optional(),
  }),
);
export type CaptureHeartbeat = z.infer<typeof CaptureHeartbeat.schema>;

/** The capture ended and its last segment is stored. */
export const CaptureFinished = defineMessage(
  'capture.finished',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    instanceId: z.string().min(1),
    /** Index of the last segment; -1 when nothing was captured. */
    lastIndex: z.number().int().min(-1),
    /** Object name of the speaking-times sidecar (Talk's format), when there is one. */
    speakingTimesObject: z.string().optional(),
    reason: z.enum(['stop-requested', 'recording-missing']),
  }),
);
export type CaptureFinished = z.infer<typeof CaptureFinished.schema>;
