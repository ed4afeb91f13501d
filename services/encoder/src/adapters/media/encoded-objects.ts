import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { inject, injectable } from 'tsyringe';
import { TOKENS, type MediaStore, type StoredObject } from '@talkrec/platform';

export interface ObjectDescription {
  bytes: number;
  /** The JSON the encoder stored with it. */
  description: string | undefined;
  /** Lowercase hex SHA-256 of the content as the object store computed it. */
  sha256: string | undefined;
}

/** NATS writes digests as `SHA-256=<base64url>`. */
function digestHex(digest: string | undefined): string | undefined {
  const m = /^SHA-256=(.+)$/i.exec(digest ?? '');
  return m ? Buffer.from(m[1]!, 'base64url').toString('hex') : undefined;
}

/**
 * Encoded parts and final files in the media store, each with a JSON description (what the assembler
 * needs, and the key of the job that made it, so redelivered jobs can tell whether the work is done).
 */
@injectable()
export class EncodedObjects {
  constructor(@inject(TOKENS.Media) private readonly media: MediaStore) {}

  async describe(name: string): Promise<ObjectDescription | undefined> {
    const info = await this.media.store.info(name);
    if (!info || info.deleted) return undefined;
    return { bytes: info.size, description: info.description, sha256: digestHex(info.digest) };
  }

  put(name: string, file: string, description: object): Promise<StoredObject> {
    return this.media.putFile(name, file, JSON.stringify(description));
  }

  getToFile(name: string, file: string, expectedSha256?: string): Promise<StoredObject> {
    return this.media.getToFile(name, file, expectedSha256);
  }
}

/** Size and lowercase hex SHA-256 of a local file, streamed. */
export async function fileDigest(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const source = createReadStream(file);
  source.on('data', (chunk) => (bytes += chunk.length));
  await pipeline(source, hash);
  return { bytes, sha256: hash.digest('hex') };
}
