import { inject, injectable } from 'tsyringe';
import {
  CAPTURING_STATES,
  RoomToken,
  StartRecordingCommand,
  StopRecordingCommand,
  TalkRoomRequest,
  subjects,
  talkRecordingHeaders,
  talkRecordingServerPaths,
} from '@talkrec/contracts';
import {
  TOKENS,
  newRequestId,
  type BackendConfig,
  type Clock,
  type Logger,
  type Publisher,
  type ServiceMetrics,
} from '@talkrec/platform';
import type { ControllerConfig } from '../config.js';
import { BodyTooLarge, HttpServer, type HttpContext } from '../adapters/http-server.js';
import type { StateStore } from '../adapters/state-store.js';
import { talkRequestBackend, verifyTalkRequest } from '../core/talk-auth.js';
import { CTOKENS } from '../tokens.js';
import { TALKREC_VERSION } from '../version.js';

const header = (ctx: HttpContext, name: string) => {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Talk's recording-server API, answered like the official server: `GET /api/v1/welcome` and
 * `POST /api/v1/room/{token}` (HMAC-checked start/stop, 200 `{}` at once, the work done by the leader).
 * Every instance serves it; state-dependent answers read the KV buckets.
 */
@injectable()
export class TalkApi {
  readonly server: HttpServer;

  constructor(
    @inject(TOKENS.Config) private readonly config: ControllerConfig,
    @inject(CTOKENS.Backends) private readonly backends: ReadonlyMap<string, BackendConfig>,
    @inject(CTOKENS.Store) private readonly store: StateStore,
    @inject(TOKENS.Publisher) private readonly publisher: Publisher,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly log: Logger,
    @inject(TOKENS.Metrics) private readonly metrics: ServiceMetrics,
  ) {
    this.server = new HttpServer('talk', log)
      // Talk rejects a "recording server" that sends the signaling feature header, and checks `Date`.
      .on('GET', talkRecordingServerPaths.welcome, (ctx) => ctx.json(200, { version: TALKREC_VERSION }))
      .on('POST', `${talkRecordingServerPaths.roomPrefix}:token`, (ctx) => this.room(ctx));
  }

  listen() {
    return this.server.listen(this.config.TALK_API_LISTEN);
  }

  private reject(ctx: HttpContext, status: 400 | 403 | 404, reason: string, detail?: string): void {
    ctx.req.resume();
    this.metrics.rejected.inc({ source: 'talk-api', reason });
    this.log.warn({ path: ctx.path, status, reason, detail }, 'talk request refused');
    ctx.json(status, { error: reason });
  }

  private async room(ctx: HttpContext): Promise<void> {
    const headers = {
      random: header(ctx, talkRecordingHeaders.random),
      checksum: header(ctx, talkRecordingHeaders.checksum),
      backend: header(ctx, talkRecordingHeaders.backend),
    };
    const backends = [...this.backends.values()];
    const known = talkRequestBackend(headers, backends);
    if (!known.ok) return this.reject(ctx, 403, 'authentication failed', known.reason);
    let body: Buffer;
    try {
      body = await ctx.body(this.config.TALK_API_MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge) return this.reject(ctx, 400, 'body too large', err.message);
      throw err;
    }
    const auth = verifyTalkRequest(headers, body, backends);
    if (!auth.ok) return this.reject(ctx, 403, 'authentication failed', auth.reason);
    const token = ctx.params.token ?? '';
    if (!RoomToken.safeParse(token).success) return this.reject(ctx, 400, 'bad room token');
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return this.reject(ctx, 400, 'malformed json');
    }
    const request = TalkRoomRequest.safeParse(json);
    if (!request.success) return this.reject(ctx, 400, 'bad request', request.error.issues[0]?.message);
    const room = { backendId: auth.backend.id, roomToken: token };
    const requestId = newRequestId();
    const at = new Date(this.clock.now()).toISOString();
    if (request.data.type === 'start') {
      const start = request.data.start;
      const active = await this.activeCapture(room);
      if (active) {
        this.log.warn(
          { room: `${room.backendId}.${token}`, recordingId: active },
          'duplicate start from talk',
        );
        return ctx.json(200, {});
      }
      await this.publisher.job(
        StartRecordingCommand,
        subjects.startCommand,
        {
          v: 1,
          requestId,
          at,
          backendId: room.backendId,
          roomToken: token,
          source: { kind: 'talk', owner: start.owner, actor: start.actor, status: start.status },
        },
        requestId,
      );
      this.log.info(
        { room: `${room.backendId}.${token}`, requestId, status: start.status },
        'talk start accepted',
      );
      return ctx.json(200, {});
    }
    const stop = request.data.stop;
    if (!(await this.store.activeRecording(room))) return this.reject(ctx, 404, 'no such recording');
    const actor = Array.isArray(stop) ? undefined : stop.actor;
    await this.publisher.job(
      StopRecordingCommand,
      subjects.stopCommand,
      { v: 1, requestId, at, target: room, by: 'talk', ...(actor ? { actor } : {}) },
      requestId,
    );
    this.log.info({ room: `${room.backendId}.${token}`, requestId }, 'talk stop accepted');
    ctx.json(200, {});
  }

  /** The room's recording that is still being captured (a second start is a duplicate). */
  private async activeCapture(room: { backendId: string; roomToken: string }): Promise<string | undefined> {
    const id = await this.store.activeRecording(room);
    if (!id) return undefined;
    const current = await this.store.recording(id);
    // Claimed but not yet stored: a start is in progress.
    if (!current) return id;
    return CAPTURING_STATES.includes(current.value.state) ? id : undefined;
  }
}
