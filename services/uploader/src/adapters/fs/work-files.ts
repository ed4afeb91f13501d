import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import type { UploadJob } from '@talkrec/contracts';
import { MediaIntegrityError, TOKENS, errorMessage, type MediaStore } from '@talkrec/platform';
import type { UploaderConfig } from '../../config.js';
import { MediaReader } from '../nats/media-reader.js';

/**
 * A job's file on local disk while it is still arriving from the media store: uploads may send the
 * parts already there, but nothing may be committed (a MOVE, a store) before `complete`.
 */
export interface LocalFile {
  path: string;
  size: number;
  /** Resolves once bytes [0, upTo) are on disk; rejects if the fetch failed. */
  available(upTo: number): Promise<void>;
  /** Resolves once the whole file is on disk and matches its announced size and SHA-256. */
  complete: Promise<void>;
}

/**
 * The uploader's scratch folder (WORK_DIR): each job's file is fetched from the media store into
 * `<WORK_DIR>/<recordingId>/`, because HTTP uploads need random access for chunks. The upload starts
 * while the fetch runs, so a big file costs roughly the longer of the two, not their sum.
 */
@injectable()
export class WorkFiles {
  /** Fetches still running, by recording id, so a finished attempt can stop its own. */
  private readonly fetches = new Map<string, AbortController>();

  constructor(
    @inject(TOKENS.Config) private readonly config: UploaderConfig,
    @inject(TOKENS.Media) private readonly media: MediaStore,
    @inject(MediaReader) private readonly reader: MediaReader,
  ) {}

  private dir(recordingId: string): string {
    return path.join(this.config.WORK_DIR, recordingId);
  }

  async fetch(job: UploadJob): Promise<LocalFile> {
    const dir = this.dir(job.recordingId);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'media');
    const source = await this.reader.open(job.object);
    const out = createWriteStream(file);
    const abort = new AbortController();
    let written = 0;
    let failure: MediaIntegrityError | undefined;
    let waiters: Array<{ upTo: number; resolve: () => void; reject: (err: Error) => void }> = [];
    const settle = () => {
      waiters = waiters.filter((w) => {
        if (failure !== undefined) w.reject(failure);
        else if (written >= w.upTo) w.resolve();
        else return true;
        return false;
      });
    };
    const complete = (async () => {
      const hash = createHash('sha256');
      try {
        for await (const chunk of source.pieces) {
          if (abort.signal.aborted) throw new Error('fetch cancelled');
          hash.update(chunk);
          // A byte counts as available once it is written; the reader pulls on only after a drain.
          const ok = out.write(chunk, (err) => {
            if (err) return;
            written += chunk.length;
            settle();
          });
          if (!ok) await once(out, 'drain');
        }
        await new Promise<void>((resolve, reject) =>
          out.end((err?: Error | null) => (err ? reject(err) : resolve())),
        );
        const sha256 = hash.digest('hex');
        if (written !== job.bytes || sha256 !== job.sha256) {
          throw new MediaIntegrityError(
            'media_checksum',
            `object ${job.object} has ${written} bytes with sha256 ${sha256}, expected ${job.bytes} bytes with ${job.sha256}`,
          );
        }
      } catch (err) {
        failure =
          err instanceof MediaIntegrityError
            ? err
            : new MediaIntegrityError('media_corrupt', errorMessage(err));
        settle();
        throw failure;
      } finally {
        out.destroy();
      }
    })();
    // Awaited by whoever commits the upload; until then a failure must not count as unhandled.
    complete.catch(() => undefined);
    this.fetches.set(job.recordingId, abort);
    return {
      path: file,
      size: job.bytes,
      complete,
      available: (upTo) =>
        failure !== undefined
          ? Promise.reject(failure)
          : written >= upTo
            ? Promise.resolve()
            : new Promise((resolve, reject) => waiters.push({ upTo, resolve, reject })),
    };
  }

  /** A small object (the speaking-times sidecar) as bytes; undefined when it is not there. */
  async bytes(object: string): Promise<Buffer | undefined> {
    const data = await this.media.getBytes(object);
    return data ? Buffer.from(data) : undefined;
  }

  /** Stops a fetch still running for the recording (at its next piece) and removes its files. */
  async cleanup(recordingId: string): Promise<void> {
    this.fetches.get(recordingId)?.abort();
    this.fetches.delete(recordingId);
    await rm(this.dir(recordingId), { recursive: true, force: true });
  }
}
