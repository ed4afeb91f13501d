/**
 * Subjects of the HPB's own NATS bus (nextcloud-spreed-signaling 0.4.1 … 2.x): `backend.room.<b64>` where
 * `<b64>` is standard base64 (with padding) of `<roomId>|<backendId>`, or of `<roomId>` alone for the
 * legacy "compat" backend. talkrec only ever subscribes to these; it never publishes on them.
 */
export const HPB_BACKEND_ROOM_PREFIX = 'backend.room.';
/** Everything Nextcloud tells the signaling server about rooms. */
export const HPB_BACKEND_ROOM_FILTER = 'backend.room.*';
/** Stream talkrec creates on the HPB's NATS (when it has JetStream) to consume durably. */
export const HPB_ROOMS_STREAM = 'TALKREC_HPB_ROOMS';
export const HPB_ROOMS_CONSUMER = 'talkrec-controller';

export interface HpbRoomKey {
  roomId: string;
  /** Absent for the compat backend. */
  backendId?: string;
}

export function hpbBackendRoomSubject(key: HpbRoomKey): string {
  const raw = key.backendId === undefined ? key.roomId : `${key.roomId}|${key.backendId}`;
  return HPB_BACKEND_ROOM_PREFIX + Buffer.from(raw, 'utf8').toString('base64');
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes a `backend.room.*` subject; undefined when it is not one or not valid base64. */
export function parseHpbBackendRoomSubject(subject: string): HpbRoomKey | undefined {
  if (!subject.startsWith(HPB_BACKEND_ROOM_PREFIX)) return undefined;
  const b64 = subject.slice(HPB_BACKEND_ROOM_PREFIX.length);
  if (!b64 || b64.length % 4 !== 0 || !BASE64.test(b64)) return undefined;
  const raw = Buffer.from(b64, 'base64').toString('utf8');
  if (!raw) return undefined;
  // Room ids never contain `|`; split at the last one in case a backend id ever did.
  const bar = raw.lastIndexOf('|');
  if (bar < 0) return { roomId: raw };
  const roomId = raw.slice(0, bar);
  const backendId = raw.slice(bar + 1);
  if (!roomId || !backendId) return undefined;
  return { roomId, backendId };
}
