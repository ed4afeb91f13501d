import type { EncodeSegmentJob } from '@talkrec/contracts';
import { failed, type JobHandler } from '@talkrec/platform';

export const handleEncodeSegment: JobHandler<typeof EncodeSegmentJob> = async (job) =>
  failed('not_implemented', `encoding segment ${job.segment.index} is not implemented yet`);
