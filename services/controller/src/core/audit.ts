import {
  AnnouncementResult,
  CaptureFinished,
  CaptureParticipants,
  CaptureStarted,
  RecordingEncoded,
  RecordingRequested,
  RecordingTransitioned,
  RecordingUploaded,
  SegmentCaptured,
  SegmentEncoded,
  StageFailed,
  type MessageContract,
  type PayloadOf,
  type Trigger,
  type UploadTarget,
} from '@talkrec/contracts';
import type { RoomKey } from './room-key.js';

/** One event of the events stream, decoded, as the audit reads it. */
export interface StoredEvent {
  seq: number;
  /** When the stream stored it (ISO): every event has this time, not every payload has its own. */
  time: string;
  /** `<domain>.<name>` from the subject, e.g. `capture.segment` or `encode.failed`. */
  name: string;
  recordingId: string;
  contract: MessageContract;
  payload: unknown;
}

/** A line of a recording's audit trail: when, what, a readable summary, and the event itself. */
export interface AuditEntry {
  at: string;
  seq: number;
  recordingId: string;
  backendId?: string;
  roomToken?: string;
  event: string;
  summary: string;
  data: unknown;
}

export interface AuditFilter {
  backendId?: string;
  roomToken?: string;
  /** Only events stored at or after this time (ms since epoch). */
  sinceMs: number;
}

const UNITS_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `7d`, `12h`, `30m`, `90s`, `2w` back from `now`, or an ISO timestamp; undefined when neither. */
export function parseSince(value: string, now: number): number | undefined {
  const rel = /^(\d+)\s*([smhdw])$/i.exec(value.trim());
  if (rel) return now - Number(rel[1]) * UNITS_MS[rel[2]!.toLowerCase()]!;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return undefined;
  const at = Date.parse(value.trim());
  return Number.isNaN(at) ? undefined : at;
}

export function describeTrigger(t: Trigger): string {
  switch (t.kind) {
    case 'rule':
      return `rule "${t.rule}"`;
    case 'talk':
      return `Talk, by ${t.actor.type}/${t.actor.id} (owner ${t.owner})`;
    case 'admin':
      return `admin ${t.by}`;
  }
}

function describeTarget(u: UploadTarget): string {
  switch (u.kind) {
    case 'talk':
      return `Talk (files of ${u.owner})`;
    case 'webdav':
      return `WebDAV ${u.account}:${u.path}${u.shareToRoom ? ' (shared to the room)' : ''}`;
    case 'local':
      return `local ${u.path}`;
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The payload as its contract's type when the event is of that contract. */
const as = <C extends MessageContract>(e: StoredEvent, c: C): PayloadOf<C> | undefined =>
  e.contract === c ? (e.payload as PayloadOf<C>) : undefined;

/** The readable summary of one event. */
function summarize(e: StoredEvent): string {
  const requested = as(e, RecordingRequested);
  if (requested) {
    const s = requested.spec;
    return `requested by ${describeTrigger(s.trigger)}; ${s.mode}, ${s.layout}; to ${describeTarget(s.upload)}; notices ${s.announce ? 'on' : 'off'}`;
  }
  const tr = as(e, RecordingTransitioned);
  if (tr) {
    const by = tr.actor ? ` [by ${tr.actor.kind} ${tr.actor.id}]` : '';
    const failure = tr.failure ? ` (${tr.failure.stage}: ${tr.failure.code}: ${tr.failure.reason})` : '';
    return `${tr.from} → ${tr.to}${tr.reason ? `: ${tr.reason}` : ''}${failure}${by}`;
  }
  const started = as(e, CaptureStarted);
  if (started) return `capture ${started.resumed ? 'resumed' : 'started'} on ${started.instanceId}`;
  const captured = as(e, SegmentCaptured);
  if (captured) return `segment ${captured.index} captured (${seconds(captured.durationMs)})`;
  const encoded = as(e, SegmentEncoded);
  if (encoded) return `segment ${encoded.index} encoded`;
  const participants = as(e, CaptureParticipants);
  if (participants) return `${participants.participants.length} in the call (capture's view)`;
  const finished = as(e, CaptureFinished);
  if (finished) return `capture finished (${finished.reason}), last segment ${finished.lastIndex}`;
  const assembled = as(e, RecordingEncoded);
  if (assembled) {
    return `file assembled: ${assembled.fileName}, ${seconds(assembled.durationMs)}, ${assembled.bytes} bytes`;
  }
  const uploaded = as(e, RecordingUploaded);
  if (uploaded) {
    const u = uploaded;
    return `delivered to ${u.target}: ${u.location}${u.url ? ` (${u.url})` : ''}${u.sharedToRoom ? ', shared to the room' : ''}`;
  }
  const failed = as(e, StageFailed);
  if (failed) return `${failed.stage} failed: ${failed.code}: ${failed.reason}`;
  const notice = as(e, AnnouncementResult);
  if (notice) {
    const status = notice.status !== undefined ? ` (HTTP ${notice.status})` : '';
    return `notice "${notice.notice}" ${notice.result}${status}${notice.reason ? `: ${notice.reason}` : ''}`;
  }
  return e.name;
}

/** The room each recording belongs to, from its `recording.requested` events. */
export function roomsFromEvents(events: readonly StoredEvent[]): Map<string, RoomKey> {
  const rooms = new Map<string, RoomKey>();
  for (const e of events) {
    if (e.contract !== RecordingRequested) continue;
    const spec = (e.payload as RecordingRequested).spec;
    rooms.set(e.recordingId, { backendId: spec.backend.id, roomToken: spec.room.token });
  }
  return rooms;
}

/**
 * The audit trail: events of the matching recordings, oldest first. A recording whose room is unknown
 * (no `recording.requested` in reach and no state) is left out when a room or backend is asked for.
 */
export function buildAudit(
  events: readonly StoredEvent[],
  rooms: ReadonlyMap<string, RoomKey>,
  filter: AuditFilter,
): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (const e of events) {
    if (Date.parse(e.time) < filter.sinceMs) continue;
    const room = rooms.get(e.recordingId);
    if (filter.backendId && room?.backendId !== filter.backendId) continue;
    if (filter.roomToken && room?.roomToken !== filter.roomToken) continue;
    out.push({
      at: e.time,
      seq: e.seq,
      recordingId: e.recordingId,
      ...(room ? { backendId: room.backendId, roomToken: room.roomToken } : {}),
      event: e.name,
      summary: summarize(e),
      data: e.payload,
    });
  }
  return out.sort((a, b) => a.seq - b.seq);
}
