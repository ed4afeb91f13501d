import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import { TOKENS } from '@talkrec/platform';
import type { EncoderConfig } from '../../config.js';

/** A folder per job under WORK_DIR, removed when the job is done whatever happened. */
@injectable()
export class ScratchSpace {
  constructor(@inject(TOKENS.Config) private readonly config: EncoderConfig) {}

  async withDir<T>(label: string, work: (dir: string) => Promise<T>): Promise<T> {
    await mkdir(this.config.WORK_DIR, { recursive: true });
    const dir = await mkdtemp(path.join(this.config.WORK_DIR, `${label}-`));
    try {
      return await work(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
