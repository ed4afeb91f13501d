import { z } from 'zod';
import { BackendId, RecordingId, RoomToken, Sha256Hex, Timestamp, schemaVersion } from '../common.js';
import { defineMessage } from '../message.js';
import { UploadTarget } from '../recording/spec.js';

/** Deliver the final file. Media stays in the object store until the destination confirms it. */
export const UploadJob = defineMessage(
  'upload.file',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    object: z.string().min(1),
    fileName: z.string().min(1),
    mime: z.string().min(1),
    bytes: z.number().int().min(1),
    sha256: Sha256Hex,
    target: UploadTarget,
    room: z.object({ backendId: BackendId, backendUrl: z.url(), token: RoomToken }),
    /** Talk's speaking-times sidecar, uploaded beside the file for the `talk` target. */
    speakingTimesObject: z.string().optional(),
  }),
);
export type UploadJob = z.infer<typeof UploadJob.schema>;
