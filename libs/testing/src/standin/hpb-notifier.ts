import { randomBytes } from 'node:crypto';
import { signalingHeaders, signalingPaths } from '@talkrec/contracts';
import { hmacHex } from './checksum.js';
import type { Directory } from './directory.js';
import type { SignalingBackend } from './signaling-backend.js';

export interface HpbAnswer {
  status: number;
  body: string;
}

interface InCallEntry {
  inCall: number;
  lastPing: number;
  sessionId: string;
  nextcloudSessionId: string;
  participantType: number;
  participantPermissions: number;
  actorType: 'users';
  actorId: string;
  userId: string;
}

/**
 * What Talk sends the signaling server (its backend API, hpb-nats.md §4), shaped like current Talk's
 * BackendNotifier: signed with the backend secret, with the room's call state kept the way Talk's
 * database would (in-call flags per Nextcloud session).
 */
export class HpbNotifier {
  signalingUrl = '';
  /** Per room: Nextcloud session id → in-call flags. */
  private readonly inCall = new Map<string, Map<string, number>>();

  constructor(
    private readonly directory: Directory,
    private readonly sessions: SignalingBackend,
    private readonly backendSecret: string,
    /** Nextcloud's base URL with the trailing slash Talk sends. */
    private readonly backendUrl: () => string,
  ) {}

  async request(token: string, body: unknown): Promise<HpbAnswer> {
    if (!this.signalingUrl) throw new Error('stand-in: no signaling server attached');
    const raw = JSON.stringify(body);
    const random = randomBytes(32).toString('hex');
    const res = await fetch(this.signalingUrl + signalingPaths.room(token), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [signalingHeaders.random]: random,
        [signalingHeaders.checksum]: hmacHex(this.backendSecret, random + raw),
        [signalingHeaders.backend]: this.backendUrl(),
      },
      body: raw,
    });
    return { status: res.status, body: await res.text() };
  }

  invite(token: string): Promise<HpbAnswer> {
    const room = this.room(token);
    return this.request(token, {
      type: 'invite',
      invite: {
        userids: room.participants,
        alluserids: room.participants,
        properties: this.directory.properties(room),
      },
    });
  }

  private room(token: string) {
    const room = this.directory.rooms.get(token);
    if (!room) throw new Error(`stand-in: unknown room ${token}`);
    return room;
  }

  private sessionOf(token: string, userId: string): string {
    for (const s of this.sessions.sessions.values()) {
      if (s.room === token && s.userId === userId) return s.nextcloudSessionId;
    }
    throw new Error(`stand-in: ${userId} has no session in ${token} (join the room over signaling first)`);
  }

  private entry(token: string, ncSession: string, flags: number): InCallEntry {
    const userId = this.sessions.sessions.get(ncSession)?.userId ?? ncSession;
    return {
      inCall: flags,
      lastPing: Math.floor(Date.now() / 1000),
      sessionId: ncSession,
      nextcloudSessionId: ncSession,
      participantType: this.room(token).participants[0] === userId ? 1 : 3,
      participantPermissions: 254,
      actorType: 'users',
      actorId: userId,
      userId,
    };
  }

  /** Talk's `roomInCallChanged`: `changed` is the one session, `users` every session still in the call. */
  setInCall(token: string, userId: string, flags: number): Promise<HpbAnswer> {
    const ncSession = this.sessionOf(token, userId);
    const state = this.inCall.get(token) ?? new Map<string, number>();
    this.inCall.set(token, state);
    if (flags === 0) state.delete(ncSession);
    else state.set(ncSession, flags);
    const users = [...state].map(([s, f]) => this.entry(token, s, f));
    return this.request(token, {
      type: 'incall',
      incall: { incall: flags, changed: [this.entry(token, ncSession, flags)], users },
    });
  }

  joinCall(token: string, userId: string, flags = 7): Promise<HpbAnswer> {
    return this.setInCall(token, userId, flags);
  }

  leaveCall(token: string, userId: string): Promise<HpbAnswer> {
    return this.setInCall(token, userId, 0);
  }

  /** "End call for everyone" (signaling 0.4.1 drops it; 0.5.0+ publishes it). */
  endCallForEveryone(token: string): Promise<HpbAnswer> {
    this.inCall.delete(token);
    return this.request(token, { type: 'incall', incall: { incall: 0, all: true } });
  }

  setRecordingStatus(token: string, status: number): Promise<HpbAnswer> {
    this.room(token).recordingStatus = status;
    return this.request(token, {
      type: 'message',
      message: { data: { type: 'recording', recording: { status } } },
    });
  }

  chatRefresh(token: string): Promise<HpbAnswer> {
    return this.request(token, {
      type: 'message',
      message: { data: { type: 'chat', chat: { refresh: true } } },
    });
  }

  deleteRoom(token: string): Promise<HpbAnswer> {
    const room = this.room(token);
    this.inCall.delete(token);
    return this.request(token, { type: 'delete', delete: { userids: room.participants } });
  }
}
