import 'reflect-metadata';
import { ServiceRuntime, runMain } from '@talkrec/platform';
import { startEncoder } from './app.js';
import { loadEncoderConfig } from './config.js';
import { encoderTopology } from './topology.js';

runMain('encoder', async () => {
  const config = loadEncoderConfig();
  const runtime = await new ServiceRuntime('encoder', config).start(encoderTopology);
  startEncoder(runtime, config);
  await runtime.serve();
});
