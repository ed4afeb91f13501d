import type { MessageContract } from '@talkrec/contracts';
import { skipped, type JobHandler } from '@talkrec/platform';

export const handleEvent: JobHandler<MessageContract> = async (_event, ctx) =>
  skipped(`${ctx.subject} not handled yet`);
