import { z } from 'zod';
import { TalkActor } from '../common.js';

/**
 * Talk's recording-server protocol (what Nextcloud Talk sends to a recording server and expects back),
 * as documented in talk-recording-api.md. talkrec's controller serves it as a drop-in for the official
 * server.
 */
export const talkRecordingHeaders = {
  random: 'talk-recording-random',
  checksum: 'talk-recording-checksum',
  backend: 'talk-recording-backend',
} as const;

/** Paths the recording server serves. */
export const talkRecordingServerPaths = {
  welcome: '/api/v1/welcome',
  /** `POST /api/v1/room/{token}` */
  roomPrefix: '/api/v1/room/',
} as const;

/** Paths on Nextcloud (under the backend base URL) that a recording server calls. */
export const talkNextcloudPaths = {
  backendCallback: '/ocs/v2.php/apps/spreed/api/v1/recording/backend',
  store: (token: string) => `/ocs/v2.php/apps/spreed/api/v1/recording/${encodeURIComponent(token)}/store`,
  requestUpload: (token: string) =>
    `/ocs/v2.php/apps/spreed/api/v1/recording/${encodeURIComponent(token)}/request-upload`,
  signalingSettings: (token: string) =>
    `/ocs/v2.php/apps/spreed/api/v3/signaling/settings?token=${encodeURIComponent(token)}`,
  publicDavUploads: '/public.php/dav/uploads/',
  publicDavFiles: '/public.php/dav/files/',
} as const;

/** Talk's largest request body by default (`maxmessagesize`), in bytes. */
export const TALK_DEFAULT_MAX_MESSAGE_BYTES = 1024;
/** Talk requires a random of at least this many characters. */
export const TALK_MIN_RANDOM_LENGTH = 32;

export const TalkStartRequest = z.object({
  type: z.literal('start'),
  start: z.object({
    /** 1 audio+video (default), 2 audio only. */
    status: z.union([z.literal(1), z.literal(2)]).default(1),
    owner: z.string().min(1),
    actor: TalkActor,
  }),
});
/** `stop` is `[]` when PHP encodes an empty array (Talk's automatic stop at call end). */
export const TalkStopRequest = z.object({
  type: z.literal('stop'),
  stop: z.union([z.object({ actor: TalkActor.optional() }), z.array(z.never()).length(0)]),
});
export const TalkRoomRequest = z.discriminatedUnion('type', [TalkStartRequest, TalkStopRequest]);
export type TalkRoomRequest = z.infer<typeof TalkRoomRequest>;

/** Callbacks to `…/recording/backend`, signed with HMAC over random + body. */
export const TalkCallback = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('started'),
    started: z.object({ token: z.string(), status: z.union([z.literal(1), z.literal(2)]), actor: TalkActor }),
  }),
  z.object({
    type: z.literal('stopped'),
    stopped: z.object({ token: z.string(), actor: TalkActor.optional() }),
  }),
  z.object({ type: z.literal('failed'), failed: z.object({ token: z.string() }) }),
]);
export type TalkCallback = z.infer<typeof TalkCallback>;

/** `request-upload` body and answer (OCS data). */
export const TalkRequestUploadBody = z.object({ owner: z.string(), fileName: z.string() });
export const TalkRequestUploadAnswer = z.object({
  token: z.string(),
  password: z.string(),
  fileName: z.string(),
});
export type TalkRequestUploadAnswer = z.infer<typeof TalkRequestUploadAnswer>;

/** JSON `store` after a chunked upload; `intervalsFileName` names the speaking-times sidecar. */
export const TalkStoreBody = z.object({
  owner: z.string(),
  fileName: z.string(),
  intervalsFileName: z.string().optional(),
});

/**
 * Talk's speaking-times sidecar (`.<name> speaking times.json`). Talk reads every timestamp as an integer
 * in milliseconds (`SpeakerAttribution` matches them against subtitle times); the relative ones are on
 * the recording's timeline and preferred.
 */
export const SpeakingTimes = z.object({
  recordingStartTimestamp: z.number(),
  intervals: z.array(
    z.object({
      participantName: z.string(),
      participantUserId: z.string().optional(),
      startTimestamp: z.number(),
      stopTimestamp: z.number(),
      startTimestampRelative: z.number(),
      stopTimestampRelative: z.number(),
    }),
  ),
});
export type SpeakingTimes = z.infer<typeof SpeakingTimes>;

/** `GET …/signaling/settings?token=` answer (OCS data), the fields a recorder uses. */
export const TalkSignalingSettings = z.looseObject({
  server: z.string(),
  helloAuthParams: z.looseObject({}).optional(),
  stunservers: z.array(z.looseObject({ urls: z.array(z.string()) })).default([]),
  turnservers: z
    .array(z.looseObject({ urls: z.array(z.string()), username: z.string(), credential: z.string() }))
    .default([]),
});
export type TalkSignalingSettings = z.infer<typeof TalkSignalingSettings>;

/** Talk's recording status values (room `callRecording`). */
export const TalkRecordingStatus = {
  none: 0,
  video: 1,
  audio: 2,
  startingVideo: 3,
  startingAudio: 4,
  failed: 5,
} as const;
