import { inject, injectable } from 'tsyringe';
import { TOKENS, type Clock } from '@talkrec/platform';
import type { AuditReader } from '../adapters/audit-reader.js';
import type { StateStore } from '../adapters/state-store.js';
import { buildAudit, parseSince, roomsFromEvents } from '../core/audit.js';
import type { HttpContext } from '../adapters/http-server.js';
import { CTOKENS } from '../tokens.js';

const DEFAULT_SINCE = '7d';
const DEFAULT_LIMIT = 10_000;
const MAX_LIMIT = 100_000;

/**
 * `GET /api/v1/audit?room=&backend=&since=&limit=`: the events stream as an audit trail (who or what
 * started each recording and why, its stages, who stopped it, where the file went, which notices the
 * conversation got), oldest first.
 */
@injectable()
export class AuditApi {
  constructor(
    @inject(CTOKENS.AuditReader) private readonly reader: AuditReader,
    @inject(CTOKENS.Store) private readonly store: StateStore,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  async audit(ctx: HttpContext): Promise<void> {
    const sinceText = ctx.query.get('since') ?? DEFAULT_SINCE;
    const sinceMs = parseSince(sinceText, this.clock.now());
    if (sinceMs === undefined) {
      return ctx.json(400, { error: `since: expected e.g. 7d, 12h, 30m or an ISO time (got ${sinceText})` });
    }
    const limit = Number(ctx.query.get('limit') ?? DEFAULT_LIMIT);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return ctx.json(400, { error: `limit: expected 1 to ${MAX_LIMIT}` });
    }
    const roomToken = ctx.query.get('room') ?? undefined;
    const backendId = ctx.query.get('backend') ?? undefined;
    const { events, truncated } = await this.reader.since(sinceMs, limit);
    const rooms = roomsFromEvents(events);
    // Recordings requested before `since` still name their room in their state.
    for (const id of new Set(events.map((e) => e.recordingId))) {
      if (rooms.has(id)) continue;
      const state = await this.store.recording(id);
      if (state) {
        rooms.set(id, { backendId: state.value.spec.backend.id, roomToken: state.value.spec.room.token });
      }
    }
    const entries = buildAudit(events, rooms, {
      sinceMs,
      ...(roomToken ? { roomToken } : {}),
      ...(backendId ? { backendId } : {}),
    });
    ctx.json(200, { since: new Date(sinceMs).toISOString(), truncated, entries });
  }
}
