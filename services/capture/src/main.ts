import 'reflect-metadata';
import { CaptureJob, consumers, subjects } from '@talkrec/contracts';
import { ConsumeLoop, ServiceRuntime, route, runMain } from '@talkrec/platform';
import { loadCaptureConfig } from './config.js';
import { registerCapture } from './container.js';
import { captureTopology } from './topology.js';
import { CaptureHandler } from './handlers/capture.handler.js';
import { CaptureService } from './session/capture-service.js';

runMain('capture', async () => {
  const config = loadCaptureConfig();
  const runtime = await new ServiceRuntime('capture', config).start(captureTopology);
  const container = await registerCapture(runtime, config);
  const service = container.resolve(CaptureService);
  // Not ready before the leftover sweep and the helpers are done (the runtime is ready sooner).
  let started = false;
  runtime.ops.addReadinessCheck('capture', () => (started ? null : 'starting'));
  await service.start();
  started = true;
  const handler = container.resolve(CaptureHandler);
  const loop = new ConsumeLoop({
    js: runtime.js,
    consumer: consumers.captureWorkers,
    routes: [route(subjects.jobPrefix(CaptureJob), CaptureJob, handler.handle)],
    concurrency: config.CAPTURE_SLOTS,
    stage: 'capture',
    publisher: runtime.publisher,
    log: runtime.log,
    metrics: runtime.metrics,
    // A run acknowledges progress itself, and only while ffmpeg advances: a hung capture is redelivered.
    autoWorking: false,
    canAccept: () => service.canAccept(),
  });
  loop.start();
  runtime.ops.addReadinessCheck('consumer', () => (loop.running ? null : 'not consuming'));
  runtime.onStop((mode) => loop.stop(mode, config.DRAIN_TIMEOUT_S * 1000));
  // Hooks run in reverse: recordings are handed over before the loop stops and NATS drains.
  runtime.onStop((mode) => service.stop(mode));
  await runtime.serve();
});
