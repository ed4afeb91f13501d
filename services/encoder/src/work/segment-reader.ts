import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import type { SegmentRef } from '@talkrec/contracts';
import { MediaIntegrityError } from '@talkrec/platform';
import { EncodedObjects } from '../adapters/media/encoded-objects.js';
import type { RunOptions } from '../adapters/ffmpeg/ffmpeg.js';
import { EncodeError } from './encode-error.js';
import { SegmentInspector, segmentName, type ReadSegment } from './segment-inspector.js';

const INTEGRITY_CODES: Readonly<Record<string, string>> = {
  media_checksum: 'segment_checksum',
  media_missing: 'segment_missing',
};

/**
 * Fetches a captured segment, checking the checksum capture announced, and inspects it. A checksum
 * mismatch or a missing segment cannot get better; a store that could not be read may.
 */
@injectable()
export class SegmentReader {
  constructor(
    @inject(EncodedObjects) private readonly objects: EncodedObjects,
    @inject(SegmentInspector) private readonly inspector: SegmentInspector,
  ) {}

  async read(
    ref: SegmentRef,
    dir: string,
    label: string,
    fps: number | undefined,
    run: RunOptions,
  ): Promise<ReadSegment> {
    const file = path.join(dir, `${label}.${ref.container}`);
    try {
      await this.objects.getToFile(ref.object, file, ref.sha256);
    } catch (err) {
      if (!(err instanceof MediaIntegrityError)) throw err;
      const code = INTEGRITY_CODES[err.code];
      throw new EncodeError(code ?? 'segment_unreadable', `${segmentName(ref)}: ${err.message}`, !code, {
        cause: err,
      });
    }
    return this.inspector.inspect(ref, file, dir, label, fps, run);
  }
}
