import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { AnnouncementResult, TalkAnnounceJob, subjects, type AnnouncementOutcome } from '@talkrec/contracts';
import {
  TOKENS,
  backoffDelay,
  done,
  retryLater,
  route,
  skipped,
  type BackendConfig,
  type Clock,
  type JobContext,
  type JobRoute,
  type Logger,
  type Publisher,
} from '@talkrec/platform';
import { TalkBotClient } from '../adapters/talk-bot.js';
import type { BotSettings } from '../config.js';
import { renderNotice } from '../core/notices.js';
import type { ControllerMetrics } from '../metrics.js';
import { CTOKENS } from '../tokens.js';

const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 5 * 60_000;

/**
 * Posts a notice into the recording's conversation as the configured bot. Whatever happens, the recording
 * goes on: a refusal (wrong secret, bot not set up) is logged with the reason, counted, and published as an
 * `announce.result` event that the recording's state and the audit trail show.
 */
@injectable()
export class AnnounceHandler {
  constructor(
    @inject(CTOKENS.Backends) private readonly backends: ReadonlyMap<string, BackendConfig>,
    @inject(CTOKENS.Bots) private readonly bots: ReadonlyMap<string, BotSettings>,
    @inject(TalkBotClient) private readonly bot: TalkBotClient,
    @inject(TOKENS.Publisher) private readonly publisher: Publisher,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly log: Logger,
    @inject(CTOKENS.ControllerMetrics) private readonly metrics: ControllerMetrics,
  ) {}

  routes(): JobRoute[] {
    return [route(subjects.jobPrefix(TalkAnnounceJob), TalkAnnounceJob, (job, ctx) => this.post(job, ctx))];
  }

  private async post(job: TalkAnnounceJob, ctx: JobContext) {
    const notice = job.notice.kind;
    const backend = this.backends.get(job.backendId);
    const bot = this.bots.get(job.backendId);
    if (!backend || !bot?.secret) {
      const reason = backend
        ? `no bot secret is configured for backend ${job.backendId} (TALK_BOT_SECRET or TALK_BOTS)`
        : `backend ${job.backendId} is no longer configured`;
      await this.report(job, 'refused', reason);
      return skipped(reason);
    }
    const message = renderNotice(job.notice, bot.language);
    const result = await this.bot.post({
      baseUrl: backend.url,
      secret: bot.secret,
      roomToken: job.roomToken,
      message,
      referenceId: createHash('sha256').update(`${job.recordingId}/${notice}/${job.at}`).digest('hex'),
    });
    switch (result.kind) {
      case 'posted':
        await this.report(job, 'posted', undefined, result.status);
        ctx.log.info({ notice, room: job.roomToken }, 'notice posted');
        return done();
      case 'refused':
        await this.report(job, 'refused', result.reason, result.status);
        return skipped(result.reason);
      case 'unavailable':
        if (ctx.lastAttempt) {
          await this.report(job, 'failed', `gave up after ${ctx.attempt} attempts: ${result.reason}`);
          return skipped(result.reason);
        }
        this.metrics.announcements.inc({ notice, result: 'retry' });
        return retryLater(
          backoffDelay(ctx.attempt, RETRY_BASE_MS, RETRY_MAX_MS),
          `talk unavailable: ${result.reason}`,
        );
    }
  }

  private async report(
    job: TalkAnnounceJob,
    result: AnnouncementOutcome,
    reason?: string,
    status?: number,
  ): Promise<void> {
    const notice = job.notice.kind;
    this.metrics.announcements.inc({ notice, result });
    if (result !== 'posted') {
      this.log.warn(
        {
          recordingId: job.recordingId,
          backendId: job.backendId,
          room: job.roomToken,
          notice,
          status,
          reason,
        },
        'notice not posted',
      );
    }
    await this.publisher.event(
      AnnouncementResult,
      {
        v: 1,
        recordingId: job.recordingId,
        at: new Date(this.clock.now()).toISOString(),
        roomToken: job.roomToken,
        notice,
        result,
        ...(status !== undefined ? { status } : {}),
        ...(reason ? { reason } : {}),
      },
      `announced-${job.recordingId}-${notice}-${Date.parse(job.at)}-${result}`,
    );
  }
}
