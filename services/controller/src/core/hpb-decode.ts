import { HpbEnvelope, RoomToken, parseHpbBackendRoomSubject, type HpbParticipant } from '@talkrec/contracts';
import type { RoomKey } from './room-key.js';

/** What one `backend.room.*` message means for call tracking, with the room in talkrec's terms. */
export type HpbRoomEvent =
  /** The complete list of sessions now in the call (`users`; absent means nobody). */
  | { kind: 'in-call'; key: RoomKey; sessions: string[] }
  /** Only some sessions changed (a `participants` update without `users`). */
  | { kind: 'in-call-changes'; key: RoomKey; changes: Array<{ sessionId: string; inCall: boolean }> }
  /** "End call for everyone" (`incall: 0, all: true`; published from signaling 0.5.0 on). */
  | { kind: 'ended-for-everyone'; key: RoomKey }
  | { kind: 'deleted'; key: RoomKey }
  /** Talk's recording status relayed as a room message (0 none … 5 failed). */
  | { kind: 'recording-status'; key: RoomKey; status: number }
  /** Valid, but nothing a call tracker acts on (room updates, chat, 2.x `switchto`/`transient`/`asyncroom`). */
  | { kind: 'ignored'; key: RoomKey; type: string };

export type HpbRejectReason = 'bad-subject' | 'unknown-backend' | 'bad-room' | 'not-json' | 'invalid';

export type HpbDecoded =
  { ok: true; event: HpbRoomEvent } | { ok: false; reason: HpbRejectReason; detail: string };

/** How HPB backend ids map to talkrec's configured backends. */
export interface HpbBackendMap {
  /** HPB backend id (the `|<id>` in subjects) → talkrec backend id. */
  byHpbId: ReadonlyMap<string, string>;
  /** Backend for compat subjects (no `|<id>`), when one is unambiguous. */
  compat?: string;
}

export function hpbBackendMap(
  backends: ReadonlyArray<{ id: string; hpbBackendId?: string | undefined }>,
): HpbBackendMap {
  const byHpbId = new Map<string, string>();
  let compat: string | undefined;
  for (const b of backends) {
    const hpbId = b.hpbBackendId ?? b.id;
    if (hpbId === '') compat = b.id;
    else byHpbId.set(hpbId, b.id);
  }
  // A single Nextcloud behind a compat (`allowall`) HPB sends subjects without a backend id.
  if (compat === undefined && backends.length === 1) compat = backends[0]!.id;
  return compat === undefined ? { byHpbId } : { byHpbId, compat };
}

/** Flag bit 1 means "in the call"; old Talk sent a boolean. */
export const isInCall = (flags: number | boolean): boolean =>
  typeof flags === 'boolean' ? flags : (flags & 1) === 1;

const inCallSessions = (users: readonly HpbParticipant[] | undefined): string[] =>
  (users ?? []).filter((u) => isInCall(u.inCall)).map((u) => u.sessionId);

const utf8 = new TextDecoder('utf-8', { fatal: true });
const tokenPattern = RoomToken;

/**
 * Decodes a `backend.room.*` message: the base64 `roomId|backendId` subject (or the compat form), the JSON
 * envelope, and what it says about the call. Never throws; anything unusable is a rejection with a reason.
 */
export function decodeHpbMessage(subject: string, data: Uint8Array, backends: HpbBackendMap): HpbDecoded {
  const parsed = parseHpbBackendRoomSubject(subject);
  if (!parsed) return { ok: false, reason: 'bad-subject', detail: `not a backend.room subject: ${subject}` };
  const backendId = parsed.backendId === undefined ? backends.compat : backends.byHpbId.get(parsed.backendId);
  if (backendId === undefined) {
    return {
      ok: false,
      reason: 'unknown-backend',
      detail: `HPB backend ${parsed.backendId ?? '(compat)'} is not configured`,
    };
  }
  if (!tokenPattern.safeParse(parsed.roomId).success) {
    return {
      ok: false,
      reason: 'bad-room',
      detail: `room id ${JSON.stringify(parsed.roomId)} is not a room token`,
    };
  }
  const key: RoomKey = { backendId, roomToken: parsed.roomId };
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(data));
  } catch (err) {
    return { ok: false, reason: 'not-json', detail: (err as Error).message };
  }
  const envelope = HpbEnvelope.safeParse(json);
  if (!envelope.success) {
    return {
      ok: false,
      reason: 'invalid',
      detail: envelope.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  const { type, room } = envelope.data;
  if (type !== 'room') return { ok: true, event: { kind: 'ignored', key, type } };
  if (!room) return { ok: false, reason: 'invalid', detail: 'type room without a room field' };
  return { ok: true, event: roomEvent(key, room) };
}

function roomEvent(key: RoomKey, room: NonNullable<HpbEnvelope['room']>): HpbRoomEvent {
  switch (room.type) {
    case 'incall': {
      const incall = room.incall;
      if (!incall) return { kind: 'ignored', key, type: 'incall (empty)' };
      if (incall.all === true && !isInCall(incall.incall)) return { kind: 'ended-for-everyone', key };
      return { kind: 'in-call', key, sessions: inCallSessions(incall.users) };
    }
    case 'participants': {
      const p = room.participants;
      if (p?.users) return { kind: 'in-call', key, sessions: inCallSessions(p.users) };
      const changes = (p?.changed ?? []).map((c) => ({ sessionId: c.sessionId, inCall: isInCall(c.inCall) }));
      return { kind: 'in-call-changes', key, changes };
    }
    case 'delete':
      return { kind: 'deleted', key };
    case 'message': {
      const data = room.message?.data as { type?: string; recording?: { status?: unknown } } | undefined;
      const status = data?.recording?.status;
      if (data?.type === 'recording' && typeof status === 'number') {
        return { kind: 'recording-status', key, status };
      }
      return { kind: 'ignored', key, type: `message/${data?.type ?? '?'}` };
    }
    default:
      return { kind: 'ignored', key, type: room.type };
  }
}
