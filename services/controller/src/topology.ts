import { consumers, kv, objectStores, streams } from '@talkrec/contracts';
import type { Topology } from '@talkrec/platform';

export const controllerTopology: Topology = {
  streams: Object.values(streams),
  consumers: [consumers.controllerCommands, consumers.controllerEvents],
  kv: Object.values(kv),
  objectStores: [objectStores.media],
};
