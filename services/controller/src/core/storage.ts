/** JetStream storage in use against its limit, and whether that calls for a warning. */
export interface StorageReading {
  /** The account, or `stream <name>` for a stream with a size limit. */
  scope: string;
  usedBytes: number;
  /** -1 when unlimited. */
  limitBytes: number;
}

export interface StorageAlert extends StorageReading {
  percent: number;
}

/**
 * The account's limit is its own `max_storage` when it has one, else the budget from config (the server's
 * `max_file_store`); unlimited streams are only measured, never alerted on.
 */
export function effectiveAccountLimit(accountMax: number, configured: number): number {
  if (accountMax > 0) return accountMax;
  return configured > 0 ? configured : -1;
}

/** Readings at or above `warnPercent` of their limit. */
export function storageAlerts(readings: readonly StorageReading[], warnPercent: number): StorageAlert[] {
  return readings.flatMap((r) => {
    if (r.limitBytes <= 0) return [];
    const percent = Math.round((r.usedBytes / r.limitBytes) * 1000) / 10;
    return percent >= warnPercent ? [{ ...r, percent }] : [];
  });
}
