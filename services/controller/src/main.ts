import 'reflect-metadata';
import { ServiceRuntime, runMain } from '@talkrec/platform';
import { startController } from './app.js';
import { loadControllerConfig } from './config.js';
import { controllerTopology } from './topology.js';

runMain('controller', async () => {
  const config = loadControllerConfig();
  const runtime = await new ServiceRuntime('controller', config).start(controllerTopology(config));
  await startController(runtime, config);
  await runtime.serve();
});
