import { z } from 'zod';

/**
 * What capture writes into each stored segment's object description: enough to place the segment on
 * the recording's timeline and to announce it again, for the instance that continues a recording.
 */
export const SegmentMeta = z.object({
  v: z.literal(1),
  startMs: z.number().int().min(0),
  durationMs: z.number().int().min(1),
  gapBeforeMs: z.number().int().min(0),
  /** Wall clock (ms since the epoch) at which the segment's media began. */
  wallStartMs: z.number().int(),
  hasVideo: z.boolean(),
  hasAudio: z.boolean(),
  instanceId: z.string().min(1),
});
export type SegmentMeta = z.infer<typeof SegmentMeta>;

export const encodeSegmentMeta = (meta: SegmentMeta) => JSON.stringify(meta);

/** Undefined for anything that is not capture's description (an object stored by hand, an old format). */
export function decodeSegmentMeta(description: string | undefined): SegmentMeta | undefined {
  if (!description) return undefined;
  try {
    const parsed = SegmentMeta.safeParse(JSON.parse(description));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The object store's digest (`SHA-256=<base64url>`) as lowercase hex; undefined for other digests. */
export function digestToHex(digest: string): string | undefined {
  const m = /^SHA-256=(.+)$/i.exec(digest);
  if (!m) return undefined;
  const hex = Buffer.from(m[1]!, 'base64url').toString('hex');
  return hex.length === 64 ? hex : undefined;
}
