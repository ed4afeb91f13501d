import type { AssembleJob } from '@talkrec/contracts';
import { failed, type JobHandler } from '@talkrec/platform';

export const handleAssemble: JobHandler<typeof AssembleJob> = async (job) =>
  failed('not_implemented', `assembling ${job.recordingId} is not implemented yet`);
