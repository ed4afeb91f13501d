import { inject, injectable } from 'tsyringe';
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from 'nats';
import { objectStores } from '@talkrec/contracts';
import { MediaIntegrityError, TOKENS, type MediaStore } from '@talkrec/platform';

/** Chunks per pull: 64 × 128 KiB (the object store's chunk size) = 8 MiB in memory at most. */
const BATCH = 64;
const FETCH_EXPIRES_MS = 10_000;
/** Empty pulls in a row before an object that stops short counts as broken. */
const MAX_EMPTY_PULLS = 3;

/**
 * Reads an object of the media bucket in bounded pulls. The nats.js `ObjectStore.get` pushes the whole
 * object into memory when the reader is slower than the network (a GiB recording would sit in RAM);
 * pulling a batch only after the previous one was consumed keeps memory flat. Uses the object
 * store's layout (ADR-20): stream `OBJ_<bucket>`, chunks on `$O.<bucket>.C.<nuid>`.
 */
@injectable()
export class MediaReader {
  constructor(
    @inject(TOKENS.JetStream) private readonly js: JetStreamClient,
    @inject(TOKENS.JetStreamManager) private readonly jsm: JetStreamManager,
    @inject(TOKENS.Media) private readonly media: MediaStore,
  ) {}

  /** The object's size, and its content piece by piece. */
  async open(name: string): Promise<{ size: number; pieces: AsyncGenerator<Uint8Array> }> {
    const info = await this.media.store.info(name);
    if (!info || info.deleted) {
      throw new MediaIntegrityError('media_missing', `object ${name} is not in the media store`);
    }
    return { size: info.size, pieces: this.pieces(name, info.nuid, info.size, info.chunks) };
  }

  private async *pieces(
    name: string,
    nuid: string,
    size: number,
    chunks: number,
  ): AsyncGenerator<Uint8Array> {
    const { bucket } = objectStores.media;
    const stream = `OBJ_${bucket}`;
    const created = await this.jsm.consumers.add(stream, {
      filter_subject: `$O.${bucket}.C.${nuid}`,
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.All,
      mem_storage: true,
      // A reader that dies leaves nothing behind for long.
      inactive_threshold: 300 * 1_000_000_000,
    });
    try {
      const consumer = await this.js.consumers.get(stream, created.name);
      let received = 0;
      let pieces = 0;
      let empty = 0;
      while (received < size) {
        // Never ask for more than is left: a pull for missing messages only ends when it expires.
        const wanted = Math.max(1, Math.min(BATCH, chunks - pieces));
        const batch = await consumer.fetch({ max_messages: wanted, expires: FETCH_EXPIRES_MS });
        let got = 0;
        for await (const m of batch) {
          got++;
          pieces++;
          received += m.data.length;
          yield m.data;
          if (received >= size) break;
        }
        empty = got === 0 ? empty + 1 : 0;
        if (empty >= MAX_EMPTY_PULLS) {
          throw new MediaIntegrityError(
            'media_corrupt',
            `object ${name} stopped after ${received} of ${size} bytes`,
          );
        }
      }
    } finally {
      await this.jsm.consumers.delete(stream, created.name).catch(() => undefined);
    }
  }
}
