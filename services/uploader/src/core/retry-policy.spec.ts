import { describe, expect, it } from 'vitest';
import type { Failure } from './classify.js';
import { decideRetry } from './retry-policy.js';

const policy = { windowMs: 6 * 3_600_000, baseMs: 5_000, maxMs: 600_000 };
const failure = (retryable: boolean): Failure => ({
  retryable,
  side: 'destination',
  code: 'destination_error',
  reason: 'PUT: 503',
  storageFull: false,
});
const half = () => 0.5;

describe('decideRetry', () => {
  it('backs off exponentially within the window, capped', () => {
    const at = (attempt: number) =>
      decideRetry(failure(true), { attempt, publishedAt: 0, now: 60_000 }, policy, half);
    expect(at(1)).toEqual({ type: 'retry', delayMs: 3_750, reason: 'PUT: 503' });
    expect(at(3)).toEqual({ type: 'retry', delayMs: 15_000, reason: 'PUT: 503' });
    expect(at(20)).toEqual({ type: 'retry', delayMs: 450_000, reason: 'PUT: 503' });
  });

  it('fails a retryable error once the window since publishing is over', () => {
    const outcome = decideRetry(
      failure(true),
      { attempt: 40, publishedAt: 0, now: 6 * 3_600_000 },
      policy,
      half,
    );
    expect(outcome).toEqual({
      type: 'failed',
      code: 'destination_error',
      reason: 'gave up after 6.0 h of retries: PUT: 503',
    });
  });

  it('fails a permanent error at once', () => {
    expect(decideRetry(failure(false), { attempt: 1, publishedAt: 0, now: 1 }, policy)).toEqual({
      type: 'failed',
      code: 'destination_error',
      reason: 'PUT: 503',
    });
  });
});
