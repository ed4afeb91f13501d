import { consumers, kv, objectStores, streams } from '@talkrec/contracts';
import type { Topology } from '@talkrec/platform';

export const captureTopology: Topology = {
  streams: [streams.captureJobs, streams.events, streams.deadLetters],
  consumers: [consumers.captureWorkers],
  kv: [kv.recordings, kv.leases],
  objectStores: [objectStores.media],
};
