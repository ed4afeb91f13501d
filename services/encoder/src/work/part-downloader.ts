import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import type { AssembleJob } from '@talkrec/contracts';
import { EncodedObjects } from '../adapters/media/encoded-objects.js';
import type { StoredPart } from '../core/assembly-plan.js';
import {
  LosslessPartMeta,
  LossyPartMeta,
  VideoPartMeta,
  parseMeta,
  partObjects,
  primaryObject,
} from '../core/part-meta.js';
import type { PartFiles } from './assembler.js';
import { EncodeError } from './encode-error.js';

const AudioPartMeta = LossyPartMeta.or(LosslessPartMeta);

/** Fetches every part an assembly names, with the description each was stored with. */
@injectable()
export class PartDownloader {
  constructor(@inject(EncodedObjects) private readonly objects: EncodedObjects) {}

  async download(
    job: AssembleJob,
    dir: string,
    onPart: () => void,
  ): Promise<{ parts: StoredPart[]; files: PartFiles }> {
    const parts: StoredPart[] = [];
    const files = { video: [] as string[], audio: [] as string[] };
    for (const part of job.parts) {
      const names = partObjects(job.recordingId, part.index, job.output);
      if (part.object !== primaryObject(names)) {
        throw new EncodeError(
          'part_invalid',
          `part ${part.index} is ${part.object}, expected ${primaryObject(names)}`,
        );
      }
      const video = names.video
        ? parseMeta(VideoPartMeta, await this.fetch(names.video, dir, files.video))
        : undefined;
      const audio = parseMeta(AudioPartMeta, await this.fetch(names.audio, dir, files.audio));
      if (!audio || (names.video && !video)) {
        throw new EncodeError('part_invalid', `part ${part.index} was not stored by this encoder version`);
      }
      parts.push({ index: part.index, ...(video ? { video } : {}), audio });
      onPart();
    }
    return { parts, files };
  }

  /** Downloads an encoded object next to the others, checked against its digest; returns its description. */
  private async fetch(name: string, dir: string, into: string[]): Promise<string | undefined> {
    const found = await this.objects.describe(name);
    if (!found) throw new EncodeError('part_missing', `encoded part ${name} is not in the media store`);
    const file = path.join(dir, `${into.length}-${path.basename(name)}`);
    await this.objects.getToFile(name, file, found.sha256);
    into.push(file);
    return found.description;
  }
}
