import { inject, injectable } from 'tsyringe';
import type { CaptureJob } from '@talkrec/contracts';
import type { JobContext, Outcome } from '@talkrec/platform';
import { CaptureService } from '../session/capture-service.js';

/** `capture.record` jobs: each one is a recording this instance records until it is told to stop. */
@injectable()
export class CaptureHandler {
  constructor(@inject(CaptureService) private readonly service: CaptureService) {}

  handle = (job: CaptureJob, ctx: JobContext): Promise<Outcome> => this.service.run(job, ctx);
}
