import type { MessageContract } from '@talkrec/contracts';
import { failed, type JobHandler } from '@talkrec/platform';

export const handleCommand: JobHandler<MessageContract> = async (_command, ctx) =>
  failed('not_implemented', `commands (${ctx.subject}) are not implemented yet`);
