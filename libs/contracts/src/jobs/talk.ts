import { z } from 'zod';
import { BackendId, RecordingId, RoomToken, Timestamp, schemaVersion } from '../common.js';
import { defineMessage } from '../message.js';
import { Trigger } from '../recording/spec.js';
import { TalkCallback } from '../talk/recording-api.js';

/**
 * Tell Talk about a recording (`started` / `stopped` / `failed` on `…/recording/backend`). A job on its
 * own work queue, so a callback survives a controller restart and is retried with backoff while
 * Nextcloud is unreachable, without holding up the controller's commands.
 */
export const TalkCallbackJob = defineMessage(
  'talk.callback',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    /** The configured backend whose URL and recording secret sign the request. */
    backendId: BackendId,
    callback: TalkCallback,
  }),
);
export type TalkCallbackJob = z.infer<typeof TalkCallbackJob.schema>;

/** What a notice in the conversation is about. */
export const AnnounceNoticeKind = z.enum(['started', 'stopped', 'failed', 'delivered']);
export type AnnounceNoticeKind = z.infer<typeof AnnounceNoticeKind>;

/** The facts a notice states; the controller renders them in the backend's language when posting. */
export const AnnounceNotice = z.discriminatedUnion('kind', [
  /** The recording is running; `trigger` says who or which rule started it. */
  z.object({ kind: z.literal('started'), trigger: Trigger }),
  z.object({ kind: z.literal('stopped') }),
  /** The recording could not be completed. */
  z.object({ kind: z.literal('failed') }),
  /** The file was delivered (from `upload.done`). */
  z.object({
    kind: z.literal('delivered'),
    fileName: z.string().min(1),
    target: z.enum(['talk', 'webdav', 'local']),
    location: z.string().min(1),
    url: z.string().optional(),
    sharedToRoom: z.boolean(),
  }),
]);
export type AnnounceNotice = z.infer<typeof AnnounceNotice>;

/**
 * Post a notice about a recording into its conversation through Talk's bot API. A job on the Talk work
 * queue like the callbacks: it survives a restart, is retried while Nextcloud is unreachable, and never
 * holds up the recording.
 */
export const TalkAnnounceJob = defineMessage(
  'talk.announce',
  1,
  z.object({
    v: schemaVersion(1),
    recordingId: RecordingId,
    at: Timestamp,
    /** The configured backend whose URL and bot secret are used. */
    backendId: BackendId,
    roomToken: RoomToken,
    notice: AnnounceNotice,
  }),
);
export type TalkAnnounceJob = z.infer<typeof TalkAnnounceJob.schema>;
