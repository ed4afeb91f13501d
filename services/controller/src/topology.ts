import { consumers, kv, objectStores, streams } from '@talkrec/contracts';
import type { Topology } from '@talkrec/platform';
import type { ControllerConfig } from './config.js';

const DAY_NS = 86_400 * 1_000_000_000;

type LimitsConfig = Pick<
  ControllerConfig,
  'EVENTS_MAX_AGE_DAYS' | 'EVENTS_MAX_BYTES' | 'DLQ_MAX_AGE_DAYS' | 'DLQ_MAX_BYTES' | 'MEDIA_MAX_BYTES'
>;

/** A stream's limits as set from config (JetStream: 0 = no age limit, -1 = no size limit). */
export interface StreamLimit {
  stream: string;
  maxAgeNs?: number;
  maxBytes: number;
}

/** JetStream names the stream behind an object store `OBJ_<bucket>`. */
export const objectStoreStream = (bucket: string) => `OBJ_${bucket}`;

/** The limits the controller owns: the audit trail, the dead letters and the media store. */
export function storageLimits(config: LimitsConfig): StreamLimit[] {
  return [
    {
      stream: streams.events.name,
      maxAgeNs: config.EVENTS_MAX_AGE_DAYS * DAY_NS,
      maxBytes: config.EVENTS_MAX_BYTES,
    },
    {
      stream: streams.deadLetters.name,
      maxAgeNs: config.DLQ_MAX_AGE_DAYS * DAY_NS,
      maxBytes: config.DLQ_MAX_BYTES,
    },
    { stream: objectStoreStream(objectStores.media.bucket), maxBytes: config.MEDIA_MAX_BYTES },
  ];
}

export function controllerTopology(config: LimitsConfig): Topology {
  const limits = storageLimits(config);
  return {
    streams: Object.values(streams),
    streamLimits: Object.fromEntries(
      limits.filter((l) => l.maxAgeNs !== undefined).map((l) => [l.stream, l]),
    ),
    consumers: [consumers.controllerCommands, consumers.controllerEvents, consumers.controllerCallbacks],
    kv: Object.values(kv),
    objectStores: [{ ...objectStores.media, maxBytes: config.MEDIA_MAX_BYTES }],
  };
}
