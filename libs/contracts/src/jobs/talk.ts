import { z } from 'zod';
import { BackendId, RecordingId, Timestamp, schemaVersion } from '../common.js';
import { defineMessage } from '../message.js';
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
