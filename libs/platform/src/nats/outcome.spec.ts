import { describe, expect, it } from 'vitest';
import { backoffDelay } from './outcome.js';

describe('backoffDelay', () => {
  it('doubles per attempt with jitter between half and all of the ceiling, capped', () => {
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelay(30, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
