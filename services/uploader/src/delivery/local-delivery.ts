import { inject, injectable } from 'tsyringe';
import { TOKENS } from '@talkrec/platform';
import type { UploaderConfig } from '../config.js';
import { UploadMisconfigured } from '../core/errors.js';
import { localTarget } from '../core/paths.js';
import type { DeliveredResult } from '../core/upload-record.js';
import { LocalFolder } from '../adapters/fs/local-folder.js';
import type { Delivery, DeliveryContext, TargetOf } from './delivery.js';

/** The `local` target: a file under LOCAL_RECORDINGS_DIR (the embedded default). */
@injectable()
export class LocalDelivery implements Delivery<'local'> {
  constructor(
    @inject(TOKENS.Config) private readonly config: UploaderConfig,
    @inject(LocalFolder) private readonly folder: LocalFolder,
  ) {}

  async deliver(dc: DeliveryContext, target: TargetOf<'local'>): Promise<DeliveredResult> {
    const file = localTarget(this.config.LOCAL_RECORDINGS_DIR, target.path);
    if (!file) {
      throw new UploadMisconfigured('invalid_path', `path ${target.path} leaves LOCAL_RECORDINGS_DIR`);
    }
    dc.progress(0);
    const location = await this.folder.deliver(dc.job, file);
    dc.progress(dc.job.bytes);
    return { location, sharedToRoom: false };
  }
}
