import { UploadJob, consumers, subjects } from '@talkrec/contracts';
import { ConsumeLoop, route, type ServiceRuntime } from '@talkrec/platform';
import type { UploaderConfig } from './config.js';
import { buildContainer } from './container.js';
import { UploadHandler } from './handlers/upload.handler.js';

/** Wires the uploader onto a started runtime and starts consuming upload jobs. */
export async function startUploader(runtime: ServiceRuntime, config: UploaderConfig): Promise<ConsumeLoop> {
  const container = await buildContainer(runtime, config);
  const handler = container.resolve(UploadHandler);
  const loop = new ConsumeLoop({
    js: runtime.js,
    consumer: consumers.uploadWorkers,
    routes: [route(subjects.jobPrefix(UploadJob), UploadJob, handler.handle)],
    concurrency: config.UPLOAD_CONCURRENCY,
    stage: 'upload',
    publisher: runtime.publisher,
    log: runtime.log,
    metrics: runtime.metrics,
  });
  loop.start();
  return loop;
}
