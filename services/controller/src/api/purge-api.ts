import { inject, injectable } from 'tsyringe';
import { PurgeMediaCommand, subjects } from '@talkrec/contracts';
import { TOKENS, newRequestId, type Clock, type Logger, type Publisher } from '@talkrec/platform';
import type { HttpContext } from '../adapters/http-server.js';
import { Purger } from '../leader/purger.js';

/**
 * `GET /api/v1/purge`: what the retention policy lets go now and what it keeps (a dry run).
 * `POST /api/v1/purge`: asks the leader to purge it; the leader checks the policy again per recording.
 */
@injectable()
export class PurgeApi {
  constructor(
    @inject(Purger) private readonly purger: Purger,
    @inject(TOKENS.Publisher) private readonly publisher: Publisher,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly log: Logger,
  ) {}

  async plan(ctx: HttpContext): Promise<void> {
    ctx.json(200, await this.purger.plan());
  }

  async purge(ctx: HttpContext, by: string): Promise<void> {
    ctx.req.resume();
    const plan = await this.purger.plan();
    const requestId = newRequestId();
    await this.publisher.job(
      PurgeMediaCommand,
      subjects.purgeCommand,
      { v: 1, requestId, at: new Date(this.clock.now()).toISOString(), by },
      requestId,
    );
    this.log.info({ requestId, by, recordings: plan.purge.length }, 'purge requested');
    ctx.json(202, { accepted: true, requestId, ...plan });
  }
}
