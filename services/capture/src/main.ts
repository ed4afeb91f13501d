import 'reflect-metadata';
import { CaptureJob, consumers, subjects } from '@talkrec/contracts';
import { ConsumeLoop, ServiceRuntime, route, runMain } from '@talkrec/platform';
import { loadCaptureConfig } from './config.js';
import { captureTopology } from './topology.js';
import { handleCapture } from './handlers/capture.handler.js';

runMain('capture', async () => {
  const config = loadCaptureConfig();
  const runtime = await new ServiceRuntime('capture', config).start(captureTopology);
  const loop = new ConsumeLoop({
    js: runtime.js,
    consumer: consumers.captureWorkers,
    routes: [route(subjects.jobPrefix(CaptureJob), CaptureJob, handleCapture)],
    concurrency: config.CAPTURE_SLOTS,
    stage: 'capture',
    publisher: runtime.publisher,
    log: runtime.log,
    metrics: runtime.metrics,
  });
  loop.start();
  runtime.ops.addReadinessCheck('consumer', () => (loop.running ? null : 'not consuming'));
  runtime.onStop((mode) => loop.stop(mode, config.DRAIN_TIMEOUT_S * 1000));
  await runtime.serve();
});
