import { backoffDelay, failed, retryLater, type Outcome } from '@talkrec/platform';
import type { Failure } from './classify.js';

export interface RetryPolicy {
  /** Retries go on for at least this long after the job was first published (ms). */
  windowMs: number;
  /** First retry delay and the cap of the doubling (ms). */
  baseMs: number;
  maxMs: number;
}

export interface AttemptInfo {
  /** 1 on the first delivery. */
  attempt: number;
  /** When the job was first published (ms since epoch). */
  publishedAt: number;
  now: number;
}

/**
 * What to do after a failed attempt: fail now when retrying cannot help; otherwise back off
 * exponentially until the retry window is over, then fail with the last reason.
 */
export function decideRetry(
  failure: Failure,
  attempt: AttemptInfo,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Outcome {
  if (!failure.retryable) return failed(failure.code, failure.reason);
  const elapsed = attempt.now - attempt.publishedAt;
  if (elapsed >= policy.windowMs) {
    const hours = (elapsed / 3_600_000).toFixed(1);
    return failed(failure.code, `gave up after ${hours} h of retries: ${failure.reason}`);
  }
  return retryLater(backoffDelay(attempt.attempt, policy.baseMs, policy.maxMs, random), failure.reason);
}
