import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import type { UploadJob } from '@talkrec/contracts';
import { TOKENS, type MediaStore } from '@talkrec/platform';
import { alternativeName } from '../../core/paths.js';

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fsync(p: string): Promise<void> {
  const handle = await open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * The `local` target: a recording is written under a temp name beside its final place, fsynced, then
 * renamed (and the folder fsynced), so the folder never shows half a file, even after a crash.
 */
@injectable()
export class LocalFolder {
  constructor(@inject(TOKENS.Media) private readonly media: MediaStore) {}

  /**
   * Puts the job's file at `target`; returns where it ended up. A file already there with the same
   * content is this recording delivered before (a redelivered job); a different one is kept, and the
   * recording goes beside it as `name (2).ext`.
   */
  async deliver(job: UploadJob, target: string): Promise<string> {
    const dir = path.dirname(target);
    await mkdir(dir, { recursive: true });
    let final = target;
    for (let n = 2; await exists(final); n++) {
      if ((await sha256Of(final)) === job.sha256) return final;
      final = path.join(dir, alternativeName(path.basename(target), n));
    }
    const temp = path.join(dir, `.${path.basename(target)}.${job.recordingId}.part`);
    try {
      await this.media.getToFile(job.object, temp, job.sha256);
      await fsync(temp);
      await rename(temp, final);
      await fsync(dir);
    } finally {
      await rm(temp, { force: true });
    }
    return final;
  }
}
