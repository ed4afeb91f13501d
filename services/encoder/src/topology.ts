import { consumers, objectStores, streams } from '@talkrec/contracts';
import type { Topology } from '@talkrec/platform';

export const encoderTopology: Topology = {
  streams: [streams.encodeJobs, streams.events, streams.deadLetters],
  consumers: [consumers.encodeWorkers],
  objectStores: [objectStores.media],
};
