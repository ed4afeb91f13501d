import { z } from 'zod';

/**
 * Recording ids are `rec_` + a 26-character Crockford base32 ULID: unique, sortable by creation time,
 * and safe as a NATS subject token and a KV key.
 */
export const RECORDING_ID_PATTERN = /^rec_[0-9A-HJKMNP-TV-Z]{26}$/;
export const RecordingId = z.string().regex(RECORDING_ID_PATTERN, 'expected rec_<ULID>');
export type RecordingId = z.infer<typeof RecordingId>;

/** ISO-8601 UTC timestamp with milliseconds, e.g. `2026-11-23T06:23:39.024Z`. */
export const Timestamp = z.iso.datetime({ offset: true });

/** Nextcloud room tokens are short alphanumeric strings. */
export const RoomToken = z.string().regex(/^[a-zA-Z0-9]{1,64}$/, 'expected an alphanumeric room token');

/** The id of a Nextcloud backend in talkrec's config (also used as a KV key part). */
export const BackendId = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'expected [a-zA-Z0-9_-]{1,64}');

/** A Talk actor (who pressed the button), as Talk sends it. */
export const TalkActor = z.object({ type: z.string().min(1), id: z.string().min(1) });
export type TalkActor = z.infer<typeof TalkActor>;

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256');

/** Which service stage a failure belongs to. */
export const Stage = z.enum(['controller', 'capture', 'encode', 'upload']);
export type Stage = z.infer<typeof Stage>;

export const schemaVersion = <N extends number>(n: N) => z.literal(n);
