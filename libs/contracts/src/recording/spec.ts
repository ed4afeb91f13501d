import { z } from 'zod';
import { BackendId, RoomToken, TalkActor } from '../common.js';
import { OutputProfile, VideoGeometry } from './media.js';

export const RecordingMode = z.enum(['video', 'audio']);
export type RecordingMode = z.infer<typeof RecordingMode>;

/** Speaker view or grid; a screen share is always shown first in both. */
export const Layout = z.enum(['speaker', 'grid']);
export type Layout = z.infer<typeof Layout>;

/** Why a recording exists. */
export const Trigger = z.discriminatedUnion('kind', [
  /** Started by an auto-record rule from HPB call events. */
  z.object({ kind: z.literal('rule'), rule: z.string().min(1) }),
  /** Started by Talk's own "Start recording" (the recording-server API). */
  z.object({
    kind: z.literal('talk'),
    /** Nextcloud user id of the moderator who pressed record; Talk's `store` puts the file in their files. */
    owner: z.string().min(1),
    actor: TalkActor,
    /** Talk's status value: 1 audio+video, 2 audio only. Echoed in the `started` callback. */
    status: z.union([z.literal(1), z.literal(2)]),
  }),
  /** Started through the admin API or CLI. */
  z.object({ kind: z.literal('admin'), by: z.string().min(1) }),
]);
export type Trigger = z.infer<typeof Trigger>;

/** Where the finished file goes. */
export const UploadTarget = z.discriminatedUnion('kind', [
  /** Talk's request-upload + WebDAV chunking v2 + store (falls back to multipart store). */
  z.object({ kind: z.literal('talk'), owner: z.string().min(1) }),
  /** A Nextcloud account's files over WebDAV (or any WebDAV server). */
  z.object({
    kind: z.literal('webdav'),
    /** Id of the WebDAV account in the uploader's config. */
    account: z.string().min(1),
    /** Path inside the account's files, already resolved from the folder template. */
    path: z.string().min(1),
    /** Share the file into the conversation once uploaded. */
    shareToRoom: z.boolean(),
  }),
  /** A folder on the uploader's disk (the embedded default). */
  z.object({ kind: z.literal('local'), path: z.string().min(1) }),
]);
export type UploadTarget = z.infer<typeof UploadTarget>;

/** Everything a recording needs, fixed when it is requested. */
export const RecordingSpec = z.object({
  backend: z.object({
    id: BackendId,
    /** Nextcloud base URL without a trailing slash, e.g. `https://cloud.example.com`. */
    url: z.url(),
  }),
  room: z.object({ token: RoomToken, name: z.string().optional() }),
  mode: RecordingMode,
  layout: Layout,
  /** Grab geometry; for audio-only recordings it only sizes the (unrecorded) page. */
  video: VideoGeometry,
  output: OutputProfile,
  /** Length of captured segments in seconds: the most a capture crash can lose. */
  segmentSeconds: z.number().int().min(2).max(60),
  /** Final file name (no folders), e.g. `Recording 2026-11-23 10-00-00.mp4`. */
  fileName: z
    .string()
    .min(1)
    .max(250)
    .regex(/^[^/\\]+$/, 'no path separators'),
  trigger: Trigger,
  upload: UploadTarget,
  /** Post notices in the conversation (issue: trust). */
  announce: z.boolean().default(false),
});
export type RecordingSpec = z.infer<typeof RecordingSpec>;
export type RecordingSpecInput = z.input<typeof RecordingSpec>;
