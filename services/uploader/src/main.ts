import 'reflect-metadata';
import { UploadJob, consumers, subjects } from '@talkrec/contracts';
import { ConsumeLoop, ServiceRuntime, route, runMain } from '@talkrec/platform';
import { loadUploaderConfig } from './config.js';
import { uploaderTopology } from './topology.js';
import { handleUpload } from './handlers/upload.handler.js';

runMain('uploader', async () => {
  const config = loadUploaderConfig();
  const runtime = await new ServiceRuntime('uploader', config).start(uploaderTopology);
  const loop = new ConsumeLoop({
    js: runtime.js,
    consumer: consumers.uploadWorkers,
    routes: [route(subjects.jobPrefix(UploadJob), UploadJob, handleUpload)],
    concurrency: config.UPLOAD_CONCURRENCY,
    stage: 'upload',
    publisher: runtime.publisher,
    log: runtime.log,
    metrics: runtime.metrics,
  });
  loop.start();
  runtime.ops.addReadinessCheck('consumer', () => (loop.running ? null : 'not consuming'));
  runtime.onStop((mode) => loop.stop(mode, config.DRAIN_TIMEOUT_S * 1000));
  await runtime.serve();
});
