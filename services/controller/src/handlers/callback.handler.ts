import { inject, injectable } from 'tsyringe';
import { TalkCallbackJob, subjects } from '@talkrec/contracts';
import {
  TOKENS,
  backoffDelay,
  done,
  retryLater,
  route,
  skipped,
  type BackendConfig,
  type JobContext,
  type JobRoute,
  type Logger,
} from '@talkrec/platform';
import { TalkClient } from '../adapters/talk-client.js';
import type { ControllerMetrics } from '../metrics.js';
import { CTOKENS } from '../tokens.js';

const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 5 * 60_000;

/** Delivers a callback to Talk; retried with backoff while Nextcloud is unreachable or failing. */
@injectable()
export class CallbackHandler {
  constructor(
    @inject(CTOKENS.Backends) private readonly backends: ReadonlyMap<string, BackendConfig>,
    @inject(TalkClient) private readonly talk: TalkClient,
    @inject(TOKENS.Logger) private readonly log: Logger,
    @inject(CTOKENS.ControllerMetrics) private readonly metrics: ControllerMetrics,
  ) {}

  routes(): JobRoute[] {
    return [
      route(subjects.jobPrefix(TalkCallbackJob), TalkCallbackJob, (job, ctx) => this.deliver(job, ctx)),
    ];
  }

  private async deliver(job: TalkCallbackJob, ctx: JobContext) {
    const type = job.callback.type;
    const backend = this.backends.get(job.backendId);
    if (!backend) return skipped(`backend ${job.backendId} is no longer configured`);
    const result = await this.talk.callback(backend, job.callback);
    switch (result.kind) {
      case 'delivered':
        this.metrics.callbacks.inc({ type, result: 'delivered' });
        ctx.log.info({ type, status: result.status }, 'talk callback delivered');
        return done();
      case 'refused':
        // Talk's 4xx answers are final (bad secret, no such room, `started` after the status moved on).
        this.metrics.callbacks.inc({ type, result: 'refused' });
        this.log.warn(
          { recordingId: job.recordingId, type, status: result.status, body: result.body },
          'talk refused callback',
        );
        return skipped(`talk answered ${result.status}`);
      case 'unavailable':
        this.metrics.callbacks.inc({ type, result: 'retry' });
        return retryLater(
          backoffDelay(ctx.attempt, RETRY_BASE_MS, RETRY_MAX_MS),
          `talk unavailable: ${result.reason}`,
        );
    }
  }
}
