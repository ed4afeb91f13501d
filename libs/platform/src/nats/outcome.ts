/** What a handler decided; the consume loop maps it onto JetStream in one place. */
export type Outcome =
  | { type: 'done' }
  | { type: 'skipped'; reason: string }
  | { type: 'retry'; delayMs: number; reason: string }
  | { type: 'failed'; code: string; reason: string };

export const done = (): Outcome => ({ type: 'done' });
export const skipped = (reason: string): Outcome => ({ type: 'skipped', reason });
export const retryLater = (delayMs: number, reason: string): Outcome => ({ type: 'retry', delayMs, reason });
export const failed = (code: string, reason: string): Outcome => ({ type: 'failed', code, reason });

/** Exponential backoff with full jitter: attempt 1 → ~base, doubling up to max. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
