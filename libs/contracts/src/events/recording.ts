import { z } from 'zod';
import { RecordingId, Timestamp, schemaVersion } from '../common.js';
import { defineMessage } from '../message.js';
import { RecordingSpec } from '../recording/spec.js';
import { Failure, RecordingStateName } from '../recording/state.js';

/** A recording was decided (by a rule, by Talk or by an admin). The first event of every recording. */
export const RecordingRequested = defineMessage(
  'recording.requested',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    spec: RecordingSpec,
  }),
);
export type RecordingRequested = z.infer<typeof RecordingRequested.schema>;

/** The controller moved a recording from one state to the next. Together these are the audit trail. */
export const RecordingTransitioned = defineMessage(
  'recording.transitioned',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    from: RecordingStateName,
    to: RecordingStateName,
    /** Why, in a few words: `media flowing`, `call ended`, `talk stop by users/alice`… */
    reason: z.string().optional(),
    /** Set when `to` is `failed`. */
    failure: Failure.optional(),
  }),
);
export type RecordingTransitioned = z.infer<typeof RecordingTransitioned.schema>;
