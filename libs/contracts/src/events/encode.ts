import { z } from 'zod';
import { RecordingId, Sha256Hex, Timestamp, schemaVersion } from '../common.js';
import { defineMessage } from '../message.js';
import { Container } from '../recording/media.js';

/** One captured segment was transcoded and stored. */
export const SegmentEncoded = defineMessage(
  'encode.segment',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    index: z.number().int().min(0),
    /** Object name of the encoded part in the media bucket. */
    object: z.string().min(1),
    bytes: z.number().int().min(1),
    /** Duration of the encoded part in milliseconds. */
    durationMs: z.number().int().min(0),
  }),
);
export type SegmentEncoded = z.infer<typeof SegmentEncoded.schema>;

/** The final file was assembled, verified with ffprobe and stored. */
export const RecordingEncoded = defineMessage(
  'encode.assembled',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    object: z.string().min(1),
    fileName: z.string().min(1),
    container: Container,
    mime: z.string().min(1),
    bytes: z.number().int().min(1),
    sha256: Sha256Hex,
    /** Duration of the final file in milliseconds (ffprobe). */
    durationMs: z.number().int().min(0),
    video: z
      .object({ codec: z.string(), width: z.number().int(), height: z.number().int(), fps: z.number() })
      .optional(),
    audio: z
      .object({ codec: z.string(), sampleRate: z.number().int(), channels: z.number().int() })
      .optional(),
    /** Milliseconds of call time that are filled (not recorded) because a capture was taken over. */
    gapMs: z.number().int().min(0),
    /** Object name of a poster JPEG, when one was made. */
    posterObject: z.string().optional(),
  }),
);
export type RecordingEncoded = z.infer<typeof RecordingEncoded.schema>;
