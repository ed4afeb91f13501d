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
import { boundedMap } from '../core/bounded-map.js';
import { EncodeError } from './encode-error.js';

const AudioPartMeta = LossyPartMeta.or(LosslessPartMeta);

/**
 * Parts fetched at once. Each fetch is a few round trips to NATS before any bytes flow (object info, an
 * ordered consumer), so one at a time made that latency most of a long recording's assembly.
 */
const PARALLEL_FETCHES = 8;

/** Fetches every part an assembly names, with the description each was stored with. */
@injectable()
export class PartDownloader {
  constructor(@inject(EncodedObjects) private readonly objects: EncodedObjects) {}

  async download(
    job: AssembleJob,
    dir: string,
    onPart: () => void,
  ): Promise<{ parts: StoredPart[]; files: PartFiles }> {
    const fetched = await boundedMap(job.parts, PARALLEL_FETCHES, async (part, i) => {
      const names = partObjects(job.recordingId, part.index, job.output);
      if (part.object !== primaryObject(names)) {
        throw new EncodeError(
          'part_invalid',
          `part ${part.index} is ${part.object}, expected ${primaryObject(names)}`,
        );
      }
      const videoFile = names.video && path.join(dir, `video-${i}-${path.basename(names.video)}`);
      const audioFile = path.join(dir, `audio-${i}-${path.basename(names.audio)}`);
      const video =
        names.video && videoFile
          ? parseMeta(VideoPartMeta, await this.fetch(names.video, videoFile))
          : undefined;
      const audio = parseMeta(AudioPartMeta, await this.fetch(names.audio, audioFile));
      if (!audio || (names.video && !video)) {
        throw new EncodeError('part_invalid', `part ${part.index} was not stored by this encoder version`);
      }
      onPart();
      return { part: { index: part.index, ...(video ? { video } : {}), audio }, videoFile, audioFile };
    });
    return {
      parts: fetched.map((f) => f.part),
      files: {
        video: fetched.flatMap((f) => (f.videoFile ? [f.videoFile] : [])),
        audio: fetched.map((f) => f.audioFile),
      },
    };
  }

  /** Downloads an encoded object, checked against its digest; returns its description. */
  private async fetch(name: string, file: string): Promise<string | undefined> {
    const found = await this.objects.describe(name);
    if (!found) throw new EncodeError('part_missing', `encoded part ${name} is not in the media store`);
    await this.objects.getToFile(name, file, found.sha256);
    return found.description;
  }
}
