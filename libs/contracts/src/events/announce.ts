import { z } from 'zod';
import { RecordingId, RoomToken, Timestamp, schemaVersion } from '../common.js';
import { AnnounceNoticeKind } from '../jobs/talk.js';
import { defineMessage } from '../message.js';

/** `posted`: Talk took it (201); `refused`: Talk or the config said no (final); `failed`: gave up retrying. */
export const AnnouncementOutcome = z.enum(['posted', 'refused', 'failed']);
export type AnnouncementOutcome = z.infer<typeof AnnouncementOutcome>;

/** What became of one notice, as kept in the recording's state. */
export const AnnouncementRecord = z.object({
  notice: AnnounceNoticeKind,
  result: AnnouncementOutcome,
  at: Timestamp,
  /** Talk's HTTP status, when it answered. */
  status: z.number().int().optional(),
  /** Why it was not posted, safe to show an admin (no secrets). */
  reason: z.string().optional(),
});
export type AnnouncementRecord = z.infer<typeof AnnouncementRecord>;

/** A notice was posted into the conversation, or could not be: part of the audit trail. */
export const AnnouncementResult = defineMessage(
  'announce.result',
  1,
  AnnouncementRecord.extend({
    v: schemaVersion(1),
    recordingId: RecordingId,
    roomToken: RoomToken,
  }),
);
export type AnnouncementResult = z.infer<typeof AnnouncementResult.schema>;
