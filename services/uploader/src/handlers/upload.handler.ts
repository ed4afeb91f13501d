import type { UploadJob } from '@talkrec/contracts';
import { failed, type JobHandler } from '@talkrec/platform';

export const handleUpload: JobHandler<typeof UploadJob> = async (job) =>
  failed('not_implemented', `uploading ${job.fileName} is not implemented yet`);
