import { z } from 'zod';
import type { PageReport } from '../page/protocol.js';

const Participant = z.object({
  sessionId: z.string().min(1),
  displayName: z.string().optional(),
  userId: z.string().optional(),
  publishing: z.boolean(),
});

/** Runtime check of what the page sends through `talkrecReport` (protocol.ts holds the types). */
const PageReportSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('media'), flowing: z.boolean() }),
  z.object({ type: z.literal('participants'), participants: z.array(Participant) }),
  z.object({
    type: z.literal('speaking'),
    sessionId: z.string().min(1),
    displayName: z.string().optional(),
    userId: z.string().optional(),
    speaking: z.boolean(),
    at: z.number(),
  }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  z.object({ type: z.literal('log'), level: z.enum(['debug', 'info', 'warn']), message: z.string() }),
]);

/** The report, or undefined when the page sent something outside the protocol. */
export function parsePageReport(value: unknown): PageReport | undefined {
  const parsed = PageReportSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
