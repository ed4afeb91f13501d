/** Bounded retries with exponential backoff: how long to wait before attempt `n` (1-based), or null to stop. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export function retryDelay(policy: RetryPolicy, attempt: number): number | null {
  if (attempt > policy.maxAttempts) return null;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}
