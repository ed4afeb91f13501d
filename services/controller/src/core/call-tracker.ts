import { z } from 'zod';
import type { HpbRoomEvent } from './hpb-decode.js';
import { roomKeyString, type RoomKey } from './room-key.js';

/**
 * The controller's view of one room's call, as kept in the `calls` bucket (controller-private schema).
 * Times are absolute (ms since epoch) so a new leader re-arms the same deadlines.
 */
export const CallView = z.object({
  v: z.literal(1),
  backendId: z.string(),
  roomToken: z.string(),
  /** Signaling session ids in the call now. */
  inCall: z.array(z.string()),
  /** A call is running (possibly within its grace period). */
  active: z.boolean(),
  startedAt: z.number().optional(),
  /** Everyone left at `emptySince`; the call ends at `graceUntil` unless someone rejoins first. */
  emptySince: z.number().optional(),
  graceUntil: z.number().optional(),
  /** The automatic recording started for this call. */
  recordingId: z.string().optional(),
  /** Safety net: this recording's capture has seen nobody in the call since `emptySince`. */
  safety: z.object({ recordingId: z.string(), emptySince: z.number() }).optional(),
});
export type CallView = z.infer<typeof CallView>;

export type CallEndReason = 'everyone-left' | 'ended-for-everyone' | 'room-deleted' | 'safety-net';

export type CallDecision =
  | { kind: 'call-started'; key: RoomKey; at: number; participants: number }
  /** The number of sessions in a running call changed (rules with a minimum of participants). */
  | { kind: 'participants-changed'; key: RoomKey; at: number; participants: number }
  | { kind: 'call-ended'; key: RoomKey; at: number; reason: CallEndReason; recordingId?: string }
  /** The capture of `recordingId` saw nobody in the call for the grace period: stop it. */
  | { kind: 'safety-stop'; key: RoomKey; at: number; recordingId: string };

/**
 * HPB call events → who is in each room's call → call started / call ended, with a grace period so a
 * brief reconnect does not split a call. Pure: the caller passes the time and persists `takeDirty()`.
 */
export class CallTracker {
  private readonly views = new Map<string, CallView>();
  private readonly dirty = new Set<string>();

  constructor(private readonly graceMs: number) {}

  load(views: Iterable<CallView>): void {
    for (const v of views) this.views.set(roomKeyString(v), v);
  }

  get(key: RoomKey): CallView | undefined {
    return this.views.get(roomKeyString(key));
  }

  /** Copies of some rooms' views (all without `rooms`), to undo a step whose decisions failed. */
  snapshot(rooms?: readonly RoomKey[]): Map<string, CallView | undefined> {
    const keys = rooms ? rooms.map(roomKeyString) : [...this.views.keys()];
    return new Map(keys.map((k) => [k, structuredClone(this.views.get(k))]));
  }

  /** Puts the snapshot's rooms back; with a full snapshot, rooms created since are dropped too. */
  restore(snapshot: Map<string, CallView | undefined>, full: boolean): void {
    const keys = full ? new Set([...this.views.keys(), ...snapshot.keys()]) : snapshot.keys();
    for (const key of keys) {
      const before = snapshot.get(key);
      if (before) this.views.set(key, before);
      else this.views.delete(key);
      this.dirty.add(key);
    }
  }

  get size(): number {
    return this.views.size;
  }

  apply(event: HpbRoomEvent, now: number): CallDecision[] {
    switch (event.kind) {
      case 'in-call':
        return this.membership(event.key, now, () => new Set(event.sessions));
      case 'in-call-changes':
        return this.membership(event.key, now, (current) => {
          for (const c of event.changes) {
            if (c.inCall) current.add(c.sessionId);
            else current.delete(c.sessionId);
          }
          return current;
        });
      case 'ended-for-everyone': {
        const view = this.get(event.key);
        if (!view) return [];
        view.inCall = [];
        return this.endIfActive(view, now, 'ended-for-everyone');
      }
      case 'deleted': {
        const view = this.get(event.key);
        if (!view) return [];
        const decisions = this.endIfActive(view, now, 'room-deleted');
        if (view.safety) decisions.push(this.safetyStop(view, now));
        this.remove(view);
        return decisions;
      }
      case 'recording-status':
      case 'ignored':
        return [];
    }
  }

  /** The capture of a room's recording reports how many participants its page sees. */
  captureParticipants(key: RoomKey, recordingId: string, participants: number, at: number): void {
    const view = this.get(key) ?? this.create(key);
    if (participants > 0) {
      if (!view.safety) return;
      delete view.safety;
    } else {
      if (view.safety?.recordingId === recordingId) return;
      view.safety = { recordingId, emptySince: at };
    }
    this.touch(view);
  }

  /** The leader started an automatic recording for the room's current call. */
  recordingStarted(key: RoomKey, recordingId: string): void {
    const view = this.get(key);
    if (!view || view.recordingId === recordingId) return;
    view.recordingId = recordingId;
    this.touch(view);
  }

  /**
   * A recording stopped capturing: it no longer needs the safety net, and a call still running in the room
   * is without a recording again. True when that call should be considered for a new one.
   */
  recordingStopped(key: RoomKey, recordingId: string): boolean {
    const view = this.get(key);
    if (!view) return false;
    if (view.safety?.recordingId === recordingId) {
      delete view.safety;
      this.touch(view);
    }
    if (!view.active || view.recordingId !== recordingId) return false;
    delete view.recordingId;
    this.touch(view);
    return true;
  }

  /** Ends calls whose grace period is over and fires the safety net. */
  tick(now: number): CallDecision[] {
    const decisions: CallDecision[] = [];
    for (const view of [...this.views.values()]) {
      if (view.graceUntil !== undefined && view.graceUntil <= now) {
        decisions.push(...this.end(view, view.emptySince ?? now, 'everyone-left'));
      }
      if (view.safety && view.safety.emptySince + this.graceMs <= now) {
        decisions.push(this.safetyStop(view, now), ...this.endIfActive(view, now, 'safety-net'));
      }
    }
    return decisions;
  }

  /** The earliest time `tick` has something to do. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const v of this.views.values()) {
      for (const t of [v.graceUntil, v.safety ? v.safety.emptySince + this.graceMs : undefined]) {
        if (t !== undefined && (next === undefined || t < next)) next = t;
      }
    }
    return next;
  }

  /** Views changed since the last call (undefined = delete the room's entry). */
  takeDirty(): Array<{ key: string; view: CallView | undefined }> {
    const out = [...this.dirty].map((key) => ({ key, view: this.views.get(key) }));
    this.dirty.clear();
    return out;
  }

  private membership(key: RoomKey, now: number, next: (current: Set<string>) => Set<string>): CallDecision[] {
    const existing = this.get(key);
    const sessions = next(new Set(existing?.inCall ?? []));
    if (!existing && sessions.size === 0) return [];
    const view = existing ?? this.create(key);
    const before = view.inCall.length;
    view.inCall = [...sessions];
    this.touch(view);
    const participants = view.inCall.length;
    if (participants > 0) {
      if (!view.active) {
        view.active = true;
        view.startedAt = now;
        delete view.recordingId;
        return [{ kind: 'call-started', key, at: now, participants }];
      }
      if (view.graceUntil !== undefined) {
        delete view.graceUntil;
        delete view.emptySince;
        return [{ kind: 'participants-changed', key, at: now, participants }];
      }
      return participants === before ? [] : [{ kind: 'participants-changed', key, at: now, participants }];
    }
    if (!view.active) return this.dropIfIdle(view);
    if (view.graceUntil !== undefined) return [];
    if (this.graceMs === 0) return this.end(view, now, 'everyone-left');
    view.emptySince = now;
    view.graceUntil = now + this.graceMs;
    return [];
  }

  private endIfActive(view: CallView, at: number, reason: CallEndReason): CallDecision[] {
    if (!view.active) return [];
    return this.end(view, at, reason);
  }

  private end(view: CallView, at: number, reason: CallEndReason): CallDecision[] {
    const key = { backendId: view.backendId, roomToken: view.roomToken };
    const decision: CallDecision = {
      kind: 'call-ended',
      key,
      at,
      reason,
      ...(view.recordingId ? { recordingId: view.recordingId } : {}),
    };
    view.active = false;
    view.inCall = [];
    delete view.startedAt;
    delete view.emptySince;
    delete view.graceUntil;
    delete view.recordingId;
    this.touch(view);
    this.dropIfIdle(view);
    return [decision];
  }

  private safetyStop(view: CallView, at: number): CallDecision {
    const recordingId = view.safety!.recordingId;
    delete view.safety;
    this.touch(view);
    this.dropIfIdle(view);
    return {
      kind: 'safety-stop',
      key: { backendId: view.backendId, roomToken: view.roomToken },
      at,
      recordingId,
    };
  }

  private dropIfIdle(view: CallView): CallDecision[] {
    if (!view.active && !view.safety) this.remove(view);
    return [];
  }

  private create(key: RoomKey): CallView {
    const view: CallView = {
      v: 1,
      backendId: key.backendId,
      roomToken: key.roomToken,
      inCall: [],
      active: false,
    };
    this.views.set(roomKeyString(key), view);
    return view;
  }

  private remove(view: CallView): void {
    const key = roomKeyString(view);
    this.views.delete(key);
    this.dirty.add(key);
  }

  private touch(view: CallView): void {
    this.dirty.add(roomKeyString(view));
  }
}
