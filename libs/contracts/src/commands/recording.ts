import { z } from 'zod';
import { BackendId, RecordingId, RoomToken, TalkActor, Timestamp, schemaVersion } from '../common.js';
import { defineMessage } from '../message.js';
import { Layout, RecordingMode } from '../recording/spec.js';

/** Start recording a room: from Talk's recording-server API or the admin API. */
export const StartRecordingCommand = defineMessage(
  'recording.start',
  1,
  z.object({
    v: schemaVersion(1),
    /** Unique per request; also the JetStream de-duplication id. */
    requestId: z.string().min(1),
    at: Timestamp,
    backendId: BackendId,
    roomToken: RoomToken,
    source: z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('talk'),
        owner: z.string().min(1),
        actor: TalkActor,
        status: z.union([z.literal(1), z.literal(2)]),
      }),
      z.object({ kind: z.literal('admin'), by: z.string().min(1) }),
    ]),
    mode: RecordingMode.optional(),
    layout: Layout.optional(),
  }),
);
export type StartRecordingCommand = z.infer<typeof StartRecordingCommand.schema>;

/** Stop the active recording of a room, or one recording by id. */
export const StopRecordingCommand = defineMessage(
  'recording.stop',
  1,
  z.object({
    v: schemaVersion(1),
    requestId: z.string().min(1),
    at: Timestamp,
    target: z.union([
      z.object({ recordingId: RecordingId }),
      z.object({ backendId: BackendId, roomToken: RoomToken }),
    ]),
    /** `talk`, `admin`, … */
    by: z.string().min(1),
    actor: TalkActor.optional(),
  }),
);
export type StopRecordingCommand = z.infer<typeof StopRecordingCommand.schema>;

/** Retry the failed stage of a recording (admin API / CLI). */
export const RetryRecordingCommand = defineMessage(
  'recording.retry',
  1,
  z.object({
    v: schemaVersion(1),
    requestId: z.string().min(1),
    at: Timestamp,
    recordingId: RecordingId,
    by: z.string().min(1),
  }),
);
export type RetryRecordingCommand = z.infer<typeof RetryRecordingCommand.schema>;

/**
 * Delete recordings' media that the retention policy allows to go (uploaded and past the grace, or failed
 * and past the retention time); the leader checks the policy again for every recording.
 */
export const PurgeMediaCommand = defineMessage(
  'recording.purge',
  1,
  z.object({
    v: schemaVersion(1),
    requestId: z.string().min(1),
    at: Timestamp,
    by: z.string().min(1),
    /** Only these recordings (each still checked against the policy); absent = every one allowed. */
    recordingIds: z.array(RecordingId).optional(),
  }),
);
export type PurgeMediaCommand = z.infer<typeof PurgeMediaCommand.schema>;
