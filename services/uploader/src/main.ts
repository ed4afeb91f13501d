import 'reflect-metadata';
import { ServiceRuntime, runMain } from '@talkrec/platform';
import { loadUploaderConfig } from './config.js';
import { startUploader } from './service.js';
import { uploaderTopology } from './topology.js';

runMain('uploader', async () => {
  const config = loadUploaderConfig();
  const runtime = await new ServiceRuntime('uploader', config).start(uploaderTopology);
  const loop = await startUploader(runtime, config);
  runtime.ops.addReadinessCheck('consumer', () => (loop.running ? null : 'not consuming'));
  runtime.onStop((mode) => loop.stop(mode, config.DRAIN_TIMEOUT_S * 1000));
  await runtime.serve();
});
