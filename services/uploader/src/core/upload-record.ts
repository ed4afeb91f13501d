import { z } from 'zod';
import { RecordingId, type UploadJob } from '@talkrec/contracts';

/** A chunked upload in progress (Nextcloud chunking v2). */
export const ChunkedState = z.object({
  uploadId: z.string().min(1),
  chunkBytes: z.number().int().positive(),
  /** Bytes of each chunk the server confirmed, chunk 1 first. */
  confirmed: z.array(z.number().int().positive()),
  /** The MOVE was sent: an upload folder gone afterwards means the server assembled the file. */
  moveSent: z.boolean(),
});
export type ChunkedState = z.infer<typeof ChunkedState>;

export const TalkState = z.object({
  /** `multipart` once `request-upload` said this Talk cannot take chunked uploads. */
  mode: z.enum(['chunked', 'multipart']),
  /** The upload share from `request-upload` (Talk deletes it after `store`, or after a day). */
  share: z
    .object({
      token: z.string(),
      password: z.string(),
      fileName: z.string(),
      /** ms since epoch. */
      obtainedAt: z.number(),
    })
    .optional(),
  /** The file is assembled in the share (MOVE answered, or the upload folder vanished after it). */
  assembled: z.boolean(),
  /** `assumed` when `assembled` rests on a MOVE whose answer never arrived. */
  assembledBy: z.enum(['answer', 'assumed']).optional(),
  sidecar: z.enum(['pending', 'uploaded', 'skipped']),
  intervalsFileName: z.string().optional(),
});
export type TalkState = z.infer<typeof TalkState>;

export const WebdavState = z.object({
  /** Where the file goes: the target path, or `name (2).ext` … when another file holds that path. */
  path: z.string().optional(),
  mode: z.enum(['plain', 'chunked']),
  uploaded: z.boolean(),
  /** Nextcloud's file id (`OC-FileId`/`oc:fileid`). */
  fileId: z.string().optional(),
  share: z.enum(['shared', 'refused']).optional(),
});
export type WebdavState = z.infer<typeof WebdavState>;

export const DeliveredResult = z.object({
  location: z.string().min(1),
  url: z.string().optional(),
  sharedToRoom: z.boolean(),
});
export type DeliveredResult = z.infer<typeof DeliveredResult>;

/** An upload's progress in `kv.uploads`, keyed by recording id, so a restarted uploader resumes. */
export const UploadRecord = z.object({
  v: z.literal(1),
  recordingId: RecordingId,
  /** Which job the progress belongs to: another file or target starts afresh. */
  fingerprint: z.string(),
  state: z.enum(['active', 'done']),
  chunked: ChunkedState.optional(),
  talk: TalkState.optional(),
  webdav: WebdavState.optional(),
  result: DeliveredResult.optional(),
  updatedAt: z.string(),
});
export type UploadRecord = z.infer<typeof UploadRecord>;

/** The same file to the same place: a redelivered or re-sent job may continue earlier progress. */
export const jobFingerprint = (job: UploadJob) =>
  JSON.stringify([job.sha256, job.fileName, job.target, job.room.backendId, job.room.token]);

export function freshRecord(job: UploadJob, now: number): UploadRecord {
  return {
    v: 1,
    recordingId: job.recordingId,
    fingerprint: jobFingerprint(job),
    state: 'active',
    updatedAt: new Date(now).toISOString(),
  };
}

/** The stored record if it belongs to this job, else a fresh one. */
export function recordFor(job: UploadJob, stored: UploadRecord | undefined, now: number): UploadRecord {
  return stored && stored.fingerprint === jobFingerprint(job) ? stored : freshRecord(job, now);
}
