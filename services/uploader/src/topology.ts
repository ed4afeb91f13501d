import { consumers, kv, objectStores, streams } from '@talkrec/contracts';
import type { Topology } from '@talkrec/platform';

export const uploaderTopology: Topology = {
  streams: [streams.uploadJobs, streams.events, streams.deadLetters],
  consumers: [consumers.uploadWorkers],
  kv: [kv.uploads],
  objectStores: [objectStores.media],
};
