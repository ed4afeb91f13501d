import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectStores } from '@talkrec/contracts';
import { NatsServer, removeDir, tempDir } from '@talkrec/testing';
import { MediaIntegrityError, MediaStore } from './media-store.js';
import { ensureObjectStore } from './topology.js';

describe('MediaStore (real nats-server object store)', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let media: MediaStore;
  let dir: string;
  /** Three and a bit chunks of the media bucket's chunk size. */
  const content = randomBytes(objectStores.media.chunkBytes * 3 + 1234);

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
    media = new MediaStore(await ensureObjectStore(nc.jetstream(), objectStores.media));
    dir = await tempDir('media-store');
  });

  afterAll(async () => {
    await nc?.close();
    await server?.stop();
    if (dir) await removeDir(dir);
  });

  it('stores a file in chunks of the configured size and reads it back with its checksum', async () => {
    const source = path.join(dir, 'in.bin');
    await writeFile(source, content);
    const stored = await media.putFile('rec/part.bin', source, '{"k":1}');
    const info = await media.store.info('rec/part.bin');
    expect(info?.options?.max_chunk_size).toBe(objectStores.media.chunkBytes);
    expect(info?.chunks).toBe(4);
    expect(info?.description).toBe('{"k":1}');

    const target = path.join(dir, 'out.bin');
    expect(await media.getToFile('rec/part.bin', target, stored.sha256)).toEqual(stored);
    expect(Buffer.compare(await readFile(target), content)).toBe(0);
  });

  it('refuses content whose checksum is not the one announced, and names a missing object', async () => {
    await media.putBytes('rec/small.bin', content.subarray(0, 1000));
    const target = path.join(dir, 'wrong.bin');
    await expect(media.getToFile('rec/small.bin', target, '0'.repeat(64))).rejects.toThrow(
      MediaIntegrityError,
    );
    await expect(media.getToFile('rec/none.bin', target)).rejects.toThrow(
      /rec\/none\.bin is not in the media store/,
    );
  });
});
