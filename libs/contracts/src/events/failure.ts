import { z } from 'zod';
import { RecordingId, Stage, Timestamp, schemaVersion } from '../common.js';
import { defineMessage } from '../message.js';

/**
 * A stage gave up on a job: the handler said it cannot succeed, or the redeliveries ran out.
 * The controller turns it into the recording's `failed` state.
 */
export const StageFailed = defineMessage(
  'stage.failed',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    stage: Stage,
    code: z.string().min(1),
    reason: z.string().min(1),
    /** The job subject that failed, when the failure came from a job. */
    subject: z.string().optional(),
    /** Delivery attempt (1-based) on which it failed. */
    attempt: z.number().int().min(1).optional(),
  }),
);
export type StageFailed = z.infer<typeof StageFailed.schema>;

/** A message that could not be decoded or validated, kept with the reason instead of being dropped. */
export const DeadLetter = defineMessage(
  'deadletter',
  1,
  z.object({
    v: schemaVersion(1),
    at: Timestamp,
    /** Service that rejected it. */
    service: z.string().min(1),
    /** Subject it arrived on. */
    subject: z.string().min(1),
    /** Stream and sequence when it came from JetStream. */
    stream: z.string().optional(),
    seq: z.number().int().optional(),
    /** The validation error, one issue per `;`. */
    error: z.string().min(1),
    /** The original payload, UTF-8 if it was valid UTF-8, else base64; cut at 64 KiB. */
    payload: z.string(),
    payloadEncoding: z.enum(['utf8', 'base64']),
    truncated: z.boolean(),
  }),
);
export type DeadLetter = z.infer<typeof DeadLetter.schema>;
