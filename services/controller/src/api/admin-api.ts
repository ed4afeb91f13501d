import { timingSafeEqual } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import {
  Layout,
  RecordingMode,
  RecordingStateName,
  RetryRecordingCommand,
  RoomRule,
  RoomToken,
  StartRecordingCommand,
  StopRecordingCommand,
  subjects,
  type RecordingState,
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
import { ruleAnnounceDefault } from '../core/announce-policy.js';
import { CTOKENS } from '../tokens.js';
import { AuditApi } from './audit-api.js';
import { PurgeApi } from './purge-api.js';

const MAX_BODY = 16 * 1024;
const STOPPABLE: readonly RecordingStateName[] = ['requested', 'starting', 'recording'];

export const API = '/api/v1';

const StartBody = z.object({
  backendId: z.string().optional(),
  roomToken: RoomToken,
  mode: RecordingMode.optional(),
  layout: Layout.optional(),
});

const RuleBody = RoomRule.pick({
  enabled: true,
  mode: true,
  layout: true,
  minParticipants: true,
  announce: true,
  updatedBy: true,
}).partial({ mode: true, layout: true, minParticipants: true, announce: true, updatedBy: true });

/** What the recordings list shows: state and timings, not the whole spec. */
export function recordingSummary(r: RecordingState) {
  return {
    recordingId: r.recordingId,
    state: r.state,
    backendId: r.spec.backend.id,
    roomToken: r.spec.room.token,
    mode: r.spec.mode,
    trigger: r.spec.trigger.kind,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    stopRequestedAt: r.stopRequestedAt,
    stopReason: r.stopReason,
    updatedAt: r.updatedAt,
    capturedMs: r.capture.durationMs,
    segments: r.capture.segments.length,
    encoded: r.encoded.length,
    failure: r.failure,
    location: r.upload?.location,
    mediaDeletedAt: r.mediaDeletedAt,
    announcements: r.announcements,
  };
}

/**
 * The admin API: recordings (list, one, start, stop, retry), per-room rules, the audit trail and media
 * purges. Commands go to the leader through the commands stream; rules are written to their bucket
 * directly.
 */
@injectable()
export class AdminApi {
  readonly server: HttpServer;

  constructor(
    @inject(TOKENS.Config) private readonly config: ControllerConfig,
    @inject(CTOKENS.Backends) private readonly backends: ReadonlyMap<string, BackendConfig>,
    @inject(CTOKENS.Store) private readonly store: StateStore,
    @inject(TOKENS.Publisher) private readonly publisher: Publisher,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly log: Logger,
    @inject(TOKENS.Metrics) private readonly metrics: ServiceMetrics,
    @inject(AuditApi) audit: AuditApi,
    @inject(PurgeApi) purge: PurgeApi,
  ) {
    const guard = (handler: (ctx: HttpContext) => Promise<void>) => (ctx: HttpContext) =>
      this.authorized(ctx) ? handler(ctx) : undefined;
    this.server = new HttpServer('admin', log)
      .on(
        'GET',
        `${API}/recordings`,
        guard((ctx) => this.list(ctx)),
      )
      .on(
        'POST',
        `${API}/recordings`,
        guard((ctx) => this.start(ctx)),
      )
      .on(
        'GET',
        `${API}/recordings/:id`,
        guard((ctx) => this.one(ctx)),
      )
      .on(
        'POST',
        `${API}/recordings/:id/stop`,
        guard((ctx) => this.stop(ctx)),
      )
      .on(
        'POST',
        `${API}/recordings/:id/retry`,
        guard((ctx) => this.retry(ctx)),
      )
      .on(
        'GET',
        `${API}/rules`,
        guard((ctx) => this.rules(ctx)),
      )
      .on(
        'PUT',
        `${API}/rules/:backendId/:roomToken`,
        guard((ctx) => this.putRule(ctx)),
      )
      .on(
        'DELETE',
        `${API}/rules/:backendId/:roomToken`,
        guard((ctx) => this.deleteRule(ctx)),
      )
      .on(
        'GET',
        `${API}/audit`,
        guard((ctx) => audit.audit(ctx)),
      )
      .on(
        'GET',
        `${API}/purge`,
        guard((ctx) => purge.plan(ctx)),
      )
      .on(
        'POST',
        `${API}/purge`,
        guard((ctx) => purge.purge(ctx, this.by(ctx))),
      );
  }

  async listen() {
    return this.config.ADMIN_API_LISTEN ? this.server.listen(this.config.ADMIN_API_LISTEN) : undefined;
  }

  private authorized(ctx: HttpContext): boolean {
    const token = this.config.ADMIN_API_TOKEN;
    if (!token) return true;
    const given = Buffer.from(String(ctx.req.headers.authorization ?? ''));
    const wanted = Buffer.from(`Bearer ${token}`);
    if (given.length === wanted.length && timingSafeEqual(given, wanted)) return true;
    ctx.req.resume();
    this.metrics.rejected.inc({ source: 'admin-api', reason: 'unauthorized' });
    ctx.json(401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer' });
    return false;
  }

  private async jsonBody<S extends z.ZodType>(ctx: HttpContext, schema: S): Promise<z.output<S> | undefined> {
    let raw: Buffer;
    try {
      raw = await ctx.body(MAX_BODY);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      ctx.json(400, { error: err.message });
      return undefined;
    }
    let value: unknown;
    try {
      value = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    } catch {
      ctx.json(400, { error: 'malformed json' });
      return undefined;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      ctx.json(400, {
        error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
      return undefined;
    }
    return parsed.data;
  }

  private get at(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private by(ctx: HttpContext): string {
    return String(ctx.req.headers['x-talkrec-user'] ?? 'admin-api');
  }

  private async list(ctx: HttpContext): Promise<void> {
    const filter = ctx.query.get('state');
    if (filter && !RecordingStateName.safeParse(filter).success) {
      ctx.json(400, { error: `unknown state ${filter}` });
      return;
    }
    const all = await this.store.listRecordings();
    ctx.json(200, { recordings: all.filter((r) => !filter || r.state === filter).map(recordingSummary) });
  }

  private async one(ctx: HttpContext): Promise<void> {
    const found = await this.store.recording(ctx.params.id ?? '');
    if (!found) ctx.json(404, { error: 'no such recording' });
    else ctx.json(200, found.value);
  }

  private async start(ctx: HttpContext): Promise<void> {
    const body = await this.jsonBody(ctx, StartBody);
    if (!body) return;
    const backendId = body.backendId ?? [...this.backends.keys()][0];
    if (!backendId || !this.backends.has(backendId)) {
      ctx.json(400, { error: `unknown backend ${backendId ?? '(none configured)'}` });
      return;
    }
    const requestId = newRequestId();
    await this.publisher.job(
      StartRecordingCommand,
      subjects.startCommand,
      {
        v: 1,
        requestId,
        at: this.at,
        backendId,
        roomToken: body.roomToken,
        source: { kind: 'admin', by: this.by(ctx) },
        ...(body.mode ? { mode: body.mode } : {}),
        ...(body.layout ? { layout: body.layout } : {}),
      },
      requestId,
    );
    this.log.info({ backendId, roomToken: body.roomToken, requestId }, 'admin start accepted');
    ctx.json(202, { accepted: true, requestId });
  }

  private async stop(ctx: HttpContext): Promise<void> {
    const found = await this.store.recording(ctx.params.id ?? '');
    if (!found) return ctx.json(404, { error: 'no such recording' });
    if (!STOPPABLE.includes(found.value.state)) {
      return ctx.json(409, { error: `the recording is ${found.value.state}` });
    }
    const requestId = newRequestId();
    await this.publisher.job(
      StopRecordingCommand,
      subjects.stopCommand,
      { v: 1, requestId, at: this.at, target: { recordingId: found.value.recordingId }, by: this.by(ctx) },
      requestId,
    );
    ctx.json(202, { accepted: true, requestId });
  }

  private async retry(ctx: HttpContext): Promise<void> {
    const found = await this.store.recording(ctx.params.id ?? '');
    if (!found) return ctx.json(404, { error: 'no such recording' });
    if (found.value.state !== 'failed') {
      return ctx.json(409, { error: `the recording is ${found.value.state}, not failed` });
    }
    const requestId = newRequestId();
    await this.publisher.job(
      RetryRecordingCommand,
      subjects.retryCommand,
      { v: 1, requestId, at: this.at, recordingId: found.value.recordingId, by: this.by(ctx) },
      requestId,
    );
    ctx.json(202, { accepted: true, requestId });
  }

  private async rules(ctx: HttpContext): Promise<void> {
    ctx.json(200, { rules: await this.store.listRules() });
  }

  private async putRule(ctx: HttpContext): Promise<void> {
    const backendId = ctx.params.backendId ?? '';
    if (!this.backends.has(backendId)) return ctx.json(400, { error: `unknown backend ${backendId}` });
    const body = await this.jsonBody(ctx, RuleBody);
    if (!body) return;
    const parsed = RoomRule.safeParse({
      v: 1,
      backendId,
      roomToken: ctx.params.roomToken,
      updatedBy: this.by(ctx),
      announce: ruleAnnounceDefault(this.config.ANNOUNCE),
      ...body,
    });
    if (!parsed.success) {
      return ctx.json(400, {
        error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
    }
    await this.store.putRule(parsed.data);
    this.log.info({ rule: parsed.data }, 'room rule set');
    ctx.json(200, parsed.data);
  }

  private async deleteRule(ctx: HttpContext): Promise<void> {
    const room = { backendId: ctx.params.backendId ?? '', roomToken: ctx.params.roomToken ?? '' };
    if (!(await this.store.deleteRule(room))) return ctx.json(404, { error: 'no such rule' });
    this.log.info({ room }, 'room rule deleted');
    ctx.json(200, { deleted: true });
  }
}
