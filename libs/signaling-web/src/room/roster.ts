import { InCall, type CallUser, type JoinEntry } from '../wire.js';

/** A session in the room as the signaling events describe it. */
export interface Participant {
  sessionId: string;
  userId?: string;
  displayName?: string;
  nextcloudSessionId?: string;
  /** In-call flags; 0 while not in the call (or not known to be). */
  inCall: number;
  /** The signaling server's own clients (recorders, SIP bridges): never shown, never subscribed. */
  internal: boolean;
  /** From `mute`/`unmute` messages; undefined until the participant says. */
  audioMuted?: boolean;
  videoMuted?: boolean;
  /** Order of first appearance, so layouts stay stable. */
  order: number;
}

/**
 * Who is in the room and in the call, merged from `room/join`, `room/leave`, `participants/update`
 * (whose client copy already has `changed` merged into `users`), `nickChanged` and `mute`/`unmute`.
 * Pure: no timers, no I/O. Every mutator returns whether the visible list changed.
 */
export class Roster {
  private readonly sessions = new Map<string, Participant>();
  private counter = 0;
  private selfId = '';

  /** Our own session: never listed. */
  setSelf(sessionId: string): void {
    this.selfId = sessionId;
  }

  get(sessionId: string): Participant | undefined {
    return this.sessions.get(sessionId);
  }

  clear(): void {
    this.sessions.clear();
  }

  /** In the call, not internal, not ourselves; in order of appearance. */
  visible(): Participant[] {
    return [...this.sessions.values()]
      .filter((p) => p.sessionId !== this.selfId && !p.internal && (p.inCall & InCall.inCall) !== 0)
      .sort((a, b) => a.order - b.order);
  }

  /** Visible participants that send audio or video (they have a `video` stream to subscribe). */
  publishers(): Participant[] {
    return this.visible().filter((p) => (p.inCall & (InCall.withAudio | InCall.withVideo)) !== 0);
  }

  /** Every other session in the call, internal ones included (the targets of a screen `sendoffer`). */
  inCallSessions(): string[] {
    return [...this.sessions.values()]
      .filter((p) => p.sessionId !== this.selfId && (p.inCall & InCall.inCall) !== 0)
      .map((p) => p.sessionId);
  }

  join(entries: JoinEntry[]): boolean {
    return this.changes(() => {
      for (const entry of entries) {
        const p = this.ensure(entry.sessionid);
        if (entry.userid) p.userId = entry.userid;
        if (entry.user?.displayname) p.displayName = entry.user.displayname;
        if (entry.roomsessionid) p.nextcloudSessionId = entry.roomsessionid;
      }
    });
  }

  leave(sessionIds: string[]): boolean {
    return this.changes(() => {
      for (const id of sessionIds) this.sessions.delete(id);
    });
  }

  update(users: CallUser[]): boolean {
    return this.changes(() => {
      for (const user of users) {
        if (!user.sessionId) continue;
        const p = this.ensure(user.sessionId);
        p.inCall = typeof user.inCall === 'number' ? user.inCall : p.inCall;
        p.internal = p.internal || user.internal === true;
        if (user.userId) p.userId = user.userId;
        if (user.nextcloudSessionId) p.nextcloudSessionId = user.nextcloudSessionId;
      }
    });
  }

  /** "End call for everyone" (2.x `participants/update` with `all: true`). */
  everybodyLeftCall(): boolean {
    return this.changes(() => {
      for (const p of this.sessions.values()) p.inCall = 0;
    });
  }

  rename(sessionId: string, displayName: string): boolean {
    return this.changes(() => {
      const p = this.sessions.get(sessionId);
      if (p && displayName) p.displayName = displayName;
    });
  }

  setMuted(sessionId: string, kind: 'audio' | 'video', muted: boolean): boolean {
    return this.changes(() => {
      const p = this.sessions.get(sessionId);
      if (!p) return;
      if (kind === 'audio') p.audioMuted = muted;
      else p.videoMuted = muted;
    });
  }

  private ensure(sessionId: string): Participant {
    let p = this.sessions.get(sessionId);
    if (!p) {
      p = { sessionId, inCall: 0, internal: false, order: this.counter++ };
      this.sessions.set(sessionId, p);
    }
    return p;
  }

  private changes(mutate: () => void): boolean {
    const before = JSON.stringify(this.visible());
    mutate();
    return JSON.stringify(this.visible()) !== before;
  }
}
