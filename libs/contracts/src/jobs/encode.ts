import { z } from 'zod';
import { RecordingId, Sha256Hex, Timestamp, schemaVersion } from '../common.js';
import { defineMessage } from '../message.js';
import { OutputProfile, VideoGeometry } from '../recording/media.js';

/** A captured segment as the encoder needs it. */
export const SegmentRef = z.object({
  index: z.number().int().min(0),
  object: z.string().min(1),
  container: z.enum(['mkv', 'nut']),
  /** Milliseconds since the recording began. */
  startMs: z.number().int().min(0),
  durationMs: z.number().int().min(1),
  sha256: Sha256Hex,
  hasVideo: z.boolean(),
  hasAudio: z.boolean(),
  /** Milliseconds of call time missing before this segment. */
  gapBeforeMs: z.number().int().min(0),
});
export type SegmentRef = z.infer<typeof SegmentRef>;

/** Transcode one captured segment, as soon as it is captured. */
export const EncodeSegmentJob = defineMessage(
  'encode.segment',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    segment: SegmentRef,
    /**
     * The segment before it, when it is contiguous (no gap): lossy audio is encoded with a little of its
     * tail as pre-roll so that the parts join without clicks.
     */
    previous: SegmentRef.optional(),
    output: OutputProfile,
    video: VideoGeometry,
  }),
);
export type EncodeSegmentJob = z.infer<typeof EncodeSegmentJob.schema>;

export const EncodedPart = z.object({
  index: z.number().int().min(0),
  /** Object name of the encoded part. */
  object: z.string().min(1),
  startMs: z.number().int().min(0),
  durationMs: z.number().int().min(0),
  gapBeforeMs: z.number().int().min(0),
});
export type EncodedPart = z.infer<typeof EncodedPart>;

/** Join every encoded part of a finished capture into the delivered file. */
export const AssembleJob = defineMessage(
  'encode.assemble',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    /** All parts, ascending by index, none missing. */
    parts: z.array(EncodedPart).min(1),
    output: OutputProfile,
    video: VideoGeometry,
    fileName: z.string().min(1),
    /** Also make a poster JPEG (video recordings). */
    poster: z.boolean(),
  }),
);
export type AssembleJob = z.infer<typeof AssembleJob.schema>;
