import type { CaptureJob } from '@talkrec/contracts';
import { failed, type JobHandler } from '@talkrec/platform';

export const handleCapture: JobHandler<typeof CaptureJob> = async (job) =>
  failed('not_implemented', `capturing ${job.spec.room.token} is not implemented yet`);
