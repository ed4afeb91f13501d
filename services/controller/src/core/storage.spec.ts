import { describe, expect, it } from 'vitest';
import { effectiveAccountLimit, storageAlerts } from './storage.js';

describe('JetStream storage alerts', () => {
  it('measures the account against its own limit, else the configured budget, else not at all', () => {
    expect(effectiveAccountLimit(1000, 500)).toBe(1000);
    expect(effectiveAccountLimit(-1, 500)).toBe(500);
    expect(effectiveAccountLimit(-1, -1)).toBe(-1);
  });

  it('alerts on every scope at or above the threshold, never on unlimited ones', () => {
    const alerts = storageAlerts(
      [
        { scope: 'account', usedBytes: 800, limitBytes: 1000 },
        { scope: 'events', usedBytes: 10, limitBytes: 1000 },
        { scope: 'media', usedBytes: 5_000, limitBytes: -1 },
        { scope: 'dead-letters', usedBytes: 999, limitBytes: 1000 },
      ],
      80,
    );
    expect(alerts.map((a) => [a.scope, a.percent])).toEqual([
      ['account', 80],
      ['dead-letters', 99.9],
    ]);
  });
});
