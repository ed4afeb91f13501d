import type { CallViewConfig } from '../protocol.js';

/**
 * Fetches this recording's config from the page server (same token as the page). Called again for
 * every new signaling session: capture computes fresh hello auth params on each fetch.
 */
export async function fetchConfig(): Promise<CallViewConfig> {
  const res = await fetch(`config${location.search}`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`config request failed: ${res.status}`);
  const config = (await res.json()) as CallViewConfig;
  const missing = (['signalingUrl', 'helloAuth', 'roomToken', 'width', 'height'] as const).filter(
    (k) => !config[k],
  );
  if (missing.length > 0) throw new Error(`config lacks ${missing.join(', ')}`);
  return config;
}
