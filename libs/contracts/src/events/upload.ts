import { z } from 'zod';
import { RecordingId, Timestamp, schemaVersion } from '../common.js';
import { defineMessage } from '../message.js';

/** Upload progress; published on a live (not persisted) subject. */
export const UploadProgress = defineMessage(
  'upload.progress',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    /** Bytes confirmed by the server so far. */
    sentBytes: z.number().int().min(0),
    totalBytes: z.number().int().min(0),
  }),
);
export type UploadProgress = z.infer<typeof UploadProgress.schema>;

/** The destination confirmed the file: the recording is delivered. */
export const RecordingUploaded = defineMessage(
  'upload.done',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    target: z.enum(['talk', 'webdav', 'local']),
    /** Where the file is: a path in the owner's/account's files, or on disk for `local`. */
    location: z.string().min(1),
    /** A link to the file, when the destination gives one. */
    url: z.string().optional(),
    bytes: z.number().int().min(0),
    /** Whether the file was shared into the conversation. */
    sharedToRoom: z.boolean(),
  }),
);
export type RecordingUploaded = z.infer<typeof RecordingUploaded.schema>;
