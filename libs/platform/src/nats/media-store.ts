import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from 'nats';
import { objectStores } from '@talkrec/contracts';
import { TalkrecError } from '../errors.js';

export interface StoredObject {
  name: string;
  bytes: number;
  /** Lowercase hex SHA-256 of the content. */
  sha256: string;
}

/** The object is missing, or its content does not match the checksum it was announced with. */
export class MediaIntegrityError extends TalkrecError {}

function hashingCounter(hash: ReturnType<typeof createHash>, counter: { bytes: number }) {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      counter.bytes += chunk.length;
      cb(null, chunk);
    },
  });
}

/**
 * Files in and out of the media object store, streamed (segments and final files can be large) and
 * checksummed on the way, so every reader can verify what the writer announced.
 */
export class MediaStore {
  constructor(
    readonly store: ObjectStore,
    private readonly chunkBytes = objectStores.media.chunkBytes,
  ) {}

  async putFile(name: string, file: string, description?: string): Promise<StoredObject> {
    const hash = createHash('sha256');
    const counter = { bytes: 0 };
    const source = createReadStream(file).pipe(hashingCounter(hash, counter));
    await this.store.put(
      { name, ...(description ? { description } : {}), options: { max_chunk_size: this.chunkBytes } },
      Readable.toWeb(source),
    );
    const size = (await stat(file)).size;
    if (size !== counter.bytes) {
      throw new MediaIntegrityError('media_changed', `${file} changed while being stored`);
    }
    return { name, bytes: counter.bytes, sha256: hash.digest('hex') };
  }

  async putBytes(name: string, data: Uint8Array): Promise<StoredObject> {
    await this.store.putBlob({ name, options: { max_chunk_size: this.chunkBytes } }, data);
    return { name, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  }

  /** Writes the object to `file`; with `expectedSha256`, a mismatch throws MediaIntegrityError. */
  async getToFile(name: string, file: string, expectedSha256?: string): Promise<StoredObject> {
    const result = await this.store.get(name);
    if (!result) throw new MediaIntegrityError('media_missing', `object ${name} is not in the media store`);
    const hash = createHash('sha256');
    const counter = { bytes: 0 };
    await pipeline(Readable.fromWeb(result.data), hashingCounter(hash, counter), createWriteStream(file));
    const problem = await result.error;
    if (problem) {
      throw new MediaIntegrityError('media_corrupt', `object ${name} could not be read: ${problem.message}`);
    }
    const sha256 = hash.digest('hex');
    if (expectedSha256 && sha256 !== expectedSha256) {
      throw new MediaIntegrityError(
        'media_checksum',
        `object ${name} has sha256 ${sha256}, expected ${expectedSha256}`,
      );
    }
    return { name, bytes: counter.bytes, sha256 };
  }

  async getBytes(name: string): Promise<Uint8Array | null> {
    return this.store.getBlob(name);
  }

  async exists(name: string): Promise<boolean> {
    const info = await this.store.info(name);
    return info !== null && !info.deleted;
  }

  /** Names under a prefix, ascending. */
  async list(prefix: string): Promise<string[]> {
    const all = await this.store.list();
    return all
      .filter((o) => !o.deleted && o.name.startsWith(prefix))
      .map((o) => o.name)
      .sort();
  }

  async delete(name: string): Promise<void> {
    await this.store.delete(name);
  }

  /** Deletes every object of a prefix (a recording's media once its upload is confirmed). */
  async deletePrefix(prefix: string): Promise<number> {
    const names = await this.list(prefix);
    for (const n of names) await this.store.delete(n);
    return names.length;
  }
}
