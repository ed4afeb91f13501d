import type { JetStreamClient, KV, KvEntry } from 'nats';
import { RecordingState, RoomRule, kv as buckets, roomRuleKey } from '@talkrec/contracts';
import { CallView } from '../core/call-tracker.js';
import { roomKeyString, type RoomKey } from '../core/room-key.js';

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(JSON.stringify(value));
const live = (e: KvEntry | null): e is KvEntry => e !== null && e.operation === 'PUT';

export interface Versioned<T> {
  value: T;
  revision: number;
}

/** A write lost a compare-and-set race (another writer, or a redelivered step already stored). */
export class StaleRevision extends Error {
  override readonly name = 'StaleRevision';
}

/**
 * The controller's KV buckets: recording state (one writer: the leader), the active recording per room,
 * the per-room call view, and the auto-record rules.
 */
export class StateStore {
  private constructor(
    private readonly recordings: KV,
    private readonly rooms: KV,
    private readonly calls: KV,
    private readonly rules: KV,
  ) {}

  static async open(js: JetStreamClient): Promise<StateStore> {
    const bind = (bucket: string) => js.views.kv(bucket, { bindOnly: true });
    return new StateStore(
      await bind(buckets.recordings.bucket),
      await bind(buckets.activeRooms.bucket),
      await bind(buckets.calls.bucket),
      await bind(buckets.rules.bucket),
    );
  }

  async recording(id: string): Promise<Versioned<RecordingState> | undefined> {
    const e = await this.recordings.get(id);
    if (!live(e)) return undefined;
    return { value: RecordingState.parse(e.json()), revision: e.revision };
  }

  async createRecording(state: RecordingState): Promise<number> {
    return this.recordings.create(state.recordingId, json(RecordingState.parse(state)));
  }

  /** Compare-and-set on the revision read with the state. */
  async updateRecording(state: RecordingState, revision: number): Promise<number> {
    try {
      return await this.recordings.update(state.recordingId, json(RecordingState.parse(state)), revision);
    } catch (err) {
      throw new StaleRevision(`recording ${state.recordingId} changed since revision ${revision}`, {
        cause: err,
      });
    }
  }

  async listRecordings(): Promise<RecordingState[]> {
    const out: RecordingState[] = [];
    for (const key of await this.keys(this.recordings)) {
      const e = await this.recordings.get(key);
      if (!live(e)) continue;
      const parsed = RecordingState.safeParse(e.json());
      if (parsed.success) out.push(parsed.data);
    }
    return out.sort((a, b) => (a.recordingId < b.recordingId ? 1 : -1));
  }

  /** The recording that holds a room, if any. */
  async activeRecording(room: RoomKey): Promise<string | undefined> {
    const e = await this.rooms.get(roomKeyString(room));
    return live(e) ? e.string() : undefined;
  }

  /** Atomically makes `recordingId` the room's one active recording; false when another holds it. */
  async claimRoom(room: RoomKey, recordingId: string): Promise<boolean> {
    try {
      await this.rooms.create(roomKeyString(room), encoder.encode(recordingId));
      return true;
    } catch {
      return false;
    }
  }

  /** Frees the room if (and only if) `recordingId` still holds it. */
  async releaseRoom(room: RoomKey, recordingId: string): Promise<void> {
    const key = roomKeyString(room);
    const e = await this.rooms.get(key);
    if (!live(e) || e.string() !== recordingId) return;
    await this.rooms.delete(key, { previousSeq: e.revision }).catch(() => undefined);
  }

  async listCalls(): Promise<CallView[]> {
    const out: CallView[] = [];
    for (const key of await this.keys(this.calls)) {
      const e = await this.calls.get(key);
      if (!live(e)) continue;
      const parsed = CallView.safeParse(e.json());
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }

  async putCall(key: string, view: CallView | undefined): Promise<void> {
    if (view) await this.calls.put(key, json(view));
    else await this.calls.delete(key);
  }

  async putRule(rule: RoomRule): Promise<void> {
    await this.rules.put(roomRuleKey(rule.backendId, rule.roomToken), json(RoomRule.parse(rule)));
  }

  /** False when there was no such rule. */
  async deleteRule(room: RoomKey): Promise<boolean> {
    const key = roomRuleKey(room.backendId, room.roomToken);
    if (!live(await this.rules.get(key))) return false;
    await this.rules.delete(key);
    return true;
  }

  async listRules(): Promise<RoomRule[]> {
    const out: RoomRule[] = [];
    for (const key of await this.keys(this.rules)) {
      const e = await this.rules.get(key);
      if (!live(e)) continue;
      const parsed = RoomRule.safeParse(e.json());
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }

  private async keys(kv: KV): Promise<string[]> {
    const keys: string[] = [];
    for await (const k of await kv.keys()) keys.push(k);
    return keys;
  }
}
