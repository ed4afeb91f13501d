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

/** A person who asked for a transition: a Talk actor (`users/alice`) or an admin API user (`cli`). */
export const TransitionActor = z.object({ kind: z.enum(['talk', 'admin']), id: z.string().min(1) });
export type TransitionActor = z.infer<typeof TransitionActor>;

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
    /** Who asked for it (a stop or retry by a person); absent when talkrec decided by itself. */
    actor: TransitionActor.optional(),
  }),
);
export type RecordingTransitioned = z.infer<typeof RecordingTransitioned.schema>;
