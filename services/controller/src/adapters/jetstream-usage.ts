import type { JetStreamManager } from 'nats';
import { effectiveAccountLimit, type StorageReading } from '../core/storage.js';

export const ACCOUNT_SCOPE = 'account';

/** File storage of the JetStream account and of every stream in it, with their limits. */
export async function readJetStreamStorage(
  jsm: JetStreamManager,
  configuredLimitBytes: number,
): Promise<StorageReading[]> {
  const account = await jsm.getAccountInfo();
  const readings: StorageReading[] = [
    {
      scope: ACCOUNT_SCOPE,
      usedBytes: account.storage,
      limitBytes: effectiveAccountLimit(account.limits.max_storage, configuredLimitBytes),
    },
  ];
  for (const s of await jsm.streams.list().next()) {
    readings.push({ scope: s.config.name, usedBytes: s.state.bytes, limitBytes: s.config.max_bytes });
  }
  return readings;
}
