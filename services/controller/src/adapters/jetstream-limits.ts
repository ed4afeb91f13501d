import type { JetStreamManager } from 'nats';
import type { StreamLimit } from '../topology.js';

const isNotFound = (err: unknown) => /not found/i.test(String((err as Error)?.message ?? err));

/**
 * Puts the configured limits on streams whose limits differ (another service's start may have reset them
 * to the contract defaults, and an object store keeps the size it was created with). Returns the streams
 * it changed; a stream that does not exist yet is left for whoever creates it.
 */
export async function enforceStreamLimits(
  jsm: JetStreamManager,
  limits: readonly StreamLimit[],
): Promise<string[]> {
  const changed: string[] = [];
  for (const l of limits) {
    let config;
    try {
      config = (await jsm.streams.info(l.stream)).config;
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    const maxAge = l.maxAgeNs ?? config.max_age;
    if (config.max_bytes === l.maxBytes && config.max_age === maxAge) continue;
    await jsm.streams.update(l.stream, { ...config, max_bytes: l.maxBytes, max_age: maxAge });
    changed.push(l.stream);
  }
  return changed;
}
