import type { DependencyContainer } from 'tsyringe';
import { kv } from '@talkrec/contracts';
import { ensureKv, resolveBackends, type ServiceRuntime } from '@talkrec/platform';
import type { UploaderConfig } from './config.js';
import { UploadHandler } from './handlers/upload.handler.js';
import { UploadRecords } from './adapters/nats/upload-records.js';
import { WorkFiles } from './adapters/fs/work-files.js';
import { MediaReader } from './adapters/nats/media-reader.js';
import { LocalFolder } from './adapters/fs/local-folder.js';
import { TalkApi } from './adapters/talk/talk-api.js';
import { ShareApi } from './adapters/nextcloud/share-api.js';
import { LocalDelivery } from './delivery/local-delivery.js';
import { TalkDelivery } from './delivery/talk-delivery.js';
import { WebdavDelivery } from './delivery/webdav-delivery.js';
import { UploaderMetrics } from './metrics.js';
import { UPLOADER } from './tokens.js';

/** Registers the uploader's parts in the runtime's container (one instance each per runtime). */
export async function buildContainer(
  runtime: ServiceRuntime,
  config: UploaderConfig,
): Promise<DependencyContainer> {
  const c = runtime.container;
  c.register(UPLOADER.UploadsKv, { useValue: await ensureKv(runtime.js, kv.uploads) });
  c.register(UPLOADER.Backends, { useValue: resolveBackends(config) });
  // Registered in the runtime's own container: one instance each per runtime.
  c.registerSingleton(UploaderMetrics);
  c.registerSingleton(UploadRecords);
  c.registerSingleton(MediaReader);
  c.registerSingleton(WorkFiles);
  c.registerSingleton(LocalFolder);
  c.registerSingleton(TalkApi);
  c.registerSingleton(ShareApi);
  c.registerSingleton(TalkDelivery);
  c.registerSingleton(WebdavDelivery);
  c.registerSingleton(LocalDelivery);
  c.registerSingleton(UploadHandler);
  return c;
}
