import { signalingHeaders, signalingPaths } from '@talkrec/contracts';
import { checksumMatches, type Violation } from './checksum.js';
import type { Directory } from './directory.js';
import type { Ctx, StandInHttp } from './http.js';
import { ocs } from './ocs.js';

/** A client session of a user in a room, as Talk knows it (the Nextcloud session id). */
export interface RoomSession {
  nextcloudSessionId: string;
  userId: string;
  room: string;
}

/**
 * What Nextcloud answers the signaling server (hpb-nats.md §8): capabilities, and the signed backend
 * requests `auth`, `room` (join/leave), `ping` and `session`.
 */
export class SignalingBackend {
  /** Nextcloud sessions that joined a room through the HPB, by Nextcloud session id. */
  readonly sessions = new Map<string, RoomSession>();

  constructor(
    private readonly directory: Directory,
    private readonly backendSecret: string,
    private readonly violations: Violation[],
  ) {}

  register(http: StandInHttp): void {
    http.on('GET', signalingPaths.capabilities, (ctx) =>
      ocs(ctx, 200, {
        version: { major: 30, minor: 0, micro: 0, string: '30.0.0', edition: '', extendedSupport: false },
        capabilities: { spreed: { features: ['audio', 'video', 'chat-v2', 'recording-v1'], config: {} } },
      }),
    );
    for (const path of [signalingPaths.nextcloudBackendV1, signalingPaths.nextcloudBackendV3]) {
      http.on('POST', path, (ctx) => this.backend(ctx));
    }
  }

  private violation(ctx: Ctx, problem: string): void {
    this.violations.push({ at: Date.now(), area: 'signaling-backend', path: ctx.path, problem });
  }

  private async backend(ctx: Ctx): Promise<void> {
    const body = (await ctx.body(64 * 1024)) ?? Buffer.alloc(0);
    const random = String(ctx.req.headers[signalingHeaders.random] ?? '');
    const checksum = String(ctx.req.headers[signalingHeaders.checksum] ?? '');
    if (random.length < 32 || !checksumMatches(this.backendSecret, random, body, checksum)) {
      this.violation(ctx, 'bad or missing Spreed-Signaling checksum');
      ocs(ctx, 200, {
        type: 'error',
        error: { code: 'invalid_request', message: 'The request could not be authenticated.' },
      });
      return;
    }
    let request: { type?: string; [k: string]: unknown };
    try {
      request = JSON.parse(body.toString('utf8')) as typeof request;
    } catch {
      ocs(ctx, 200, { type: 'error', error: { code: 'invalid_request', message: 'Invalid JSON' } });
      return;
    }
    switch (request.type ?? '') {
      case 'auth':
        return this.auth(ctx, request.auth as { params?: { userid?: string; ticket?: string } });
      case 'room':
        return this.room(
          ctx,
          request.room as { roomid: string; userid?: string; sessionid?: string; action?: string },
        );
      case 'ping':
        return ocs(ctx, 200, {
          type: 'room',
          room: { version: '1.0', roomid: (request.ping as { roomid: string }).roomid },
        });
      case 'session':
        return ocs(ctx, 200, {
          type: 'session',
          session: { version: '1.0', roomid: (request.session as { roomid: string }).roomid },
        });
      default:
        return ocs(ctx, 200, {
          type: 'error',
          error: { code: 'unknown_type', message: `Unknown type ${request.type}` },
        });
    }
  }

  private auth(ctx: Ctx, auth: { params?: { userid?: string; ticket?: string } }): void {
    const user = this.directory.users.get(auth?.params?.userid ?? '');
    if (!user || user.ticket !== auth.params?.ticket) {
      ocs(ctx, 200, {
        type: 'error',
        error: { code: 'invalid_ticket', message: 'The passed ticket is invalid.' },
      });
      return;
    }
    ocs(ctx, 200, {
      type: 'auth',
      auth: { version: '1.0', userid: user.id, user: { displayname: user.displayName } },
    });
  }

  private room(
    ctx: Ctx,
    room: { roomid: string; userid?: string; sessionid?: string; action?: string },
  ): void {
    const known = this.directory.rooms.get(room.roomid);
    if (!known || (room.userid && !known.participants.includes(room.userid))) {
      ocs(ctx, 200, {
        type: 'error',
        error: { code: 'no_such_room', message: 'The user is not invited to this room.' },
      });
      return;
    }
    if (room.action === 'leave') {
      if (room.sessionid) this.sessions.delete(room.sessionid);
    } else if (room.sessionid && room.userid) {
      this.sessions.set(room.sessionid, {
        nextcloudSessionId: room.sessionid,
        userId: room.userid,
        room: room.roomid,
      });
    }
    ocs(ctx, 200, {
      type: 'room',
      room: {
        version: '1.0',
        roomid: known.token,
        properties: this.directory.properties(known),
        permissions: ['publish-media', 'publish-screen'],
      },
    });
  }
}
