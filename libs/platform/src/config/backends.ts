import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { env } from './env.js';

/** One Nextcloud (with Talk and an HPB) that talkrec records for. */
export const BackendConfig = z.object({
  /** talkrec's id for it; also the HPB's backend id (`[backend] backends`) unless `hpbBackendId` says otherwise. */
  id: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
  /** The backend id in the HPB's NATS subjects, when it differs from `id`. */
  hpbBackendId: z.string().optional(),
  /** Nextcloud base URL, no trailing slash. */
  url: z.url().transform((u) => u.replace(/\/+$/, '')),
  /** Talk's recording secret (Talk admin settings → recording backend). */
  recordingSecret: z.string().min(1).optional(),
  /** The HPB signaling server's URL (https/wss) and its `[clients] internalsecret`. */
  signalingUrl: z.url().optional(),
  internalSecret: z.string().min(1).optional(),
  /** STUN/TURN servers for capture's browser (JSON RTCIceServer list). */
  iceServers: z
    .array(
      z.object({
        urls: z.union([z.string(), z.array(z.string())]),
        username: z.string().optional(),
        credential: z.string().optional(),
      }),
    )
    .optional(),
});
export type BackendConfig = z.infer<typeof BackendConfig>;

/**
 * Backends come from `BACKENDS` (a JSON list, or `BACKENDS_FILE`) for several Nextclouds, or from the
 * single-backend keys below for the common case. Both may be used; ids must be unique.
 */
export const backendsConfigShape = {
  BACKENDS: env.json(z.array(BackendConfig)).optional(),
  NEXTCLOUD_URL: env.optionalUrl(['http', 'https']),
  NEXTCLOUD_BACKEND_ID: env.string('nextcloud'),
  TALK_RECORDING_SECRET: env.optionalSecret(),
  SIGNALING_URL: env.optionalUrl(['http', 'https', 'ws', 'wss']),
  SIGNALING_INTERNAL_SECRET: env.optionalSecret(),
};

export interface BackendsConfigValues {
  BACKENDS?: BackendConfig[] | undefined;
  NEXTCLOUD_URL?: string | undefined;
  NEXTCLOUD_BACKEND_ID: string;
  TALK_RECORDING_SECRET?: string | undefined;
  SIGNALING_URL?: string | undefined;
  SIGNALING_INTERNAL_SECRET?: string | undefined;
}

export function resolveBackends(config: BackendsConfigValues): BackendConfig[] {
  const list = [...(config.BACKENDS ?? [])];
  if (config.NEXTCLOUD_URL) {
    list.unshift(
      BackendConfig.parse({
        id: config.NEXTCLOUD_BACKEND_ID,
        url: config.NEXTCLOUD_URL,
        recordingSecret: config.TALK_RECORDING_SECRET,
        signalingUrl: config.SIGNALING_URL,
        internalSecret: config.SIGNALING_INTERNAL_SECRET,
      }),
    );
  }
  const ids = new Set<string>();
  for (const b of list) {
    if (ids.has(b.id)) throw new ConfigError([`BACKENDS: backend id ${b.id} is configured twice`]);
    ids.add(b.id);
  }
  return list;
}
