import type { KV } from 'nats';
import type { Logger } from '../logger.js';

/**
 * A lease in a KV bucket with a TTL: the holder renews it with compare-and-set on the revision; when
 * the holder dies the entry expires and another instance can take it. Used for the controller's
 * leadership and for capture's ownership of a recording.
 */
export class Lease {
  private revision = 0;
  private timer: NodeJS.Timeout | undefined;
  private held = false;

  constructor(
    private readonly kv: KV,
    readonly key: string,
    readonly holder: string,
    private readonly renewEveryMs: number,
    private readonly log: Logger,
    private readonly onLost: () => void = () => undefined,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** Takes the lease if nobody holds it (or we already do). */
  async tryAcquire(): Promise<boolean> {
    const value = new TextEncoder().encode(this.holder);
    try {
      this.revision = await this.kv.create(this.key, value);
    } catch {
      const entry = await this.kv.get(this.key);
      if (entry && entry.operation === 'PUT' && entry.string() !== this.holder) return false;
      try {
        this.revision = entry
          ? await this.kv.update(this.key, value, entry.revision)
          : await this.kv.create(this.key, value);
      } catch {
        return false;
      }
    }
    this.held = true;
    this.timer ??= setInterval(() => void this.renew(), this.renewEveryMs);
    return true;
  }

  private async renew(): Promise<void> {
    try {
      this.revision = await this.kv.update(this.key, new TextEncoder().encode(this.holder), this.revision);
    } catch (err) {
      if (!this.held) return;
      this.log.warn({ err, key: this.key }, 'lease lost');
      this.held = false;
      clearInterval(this.timer);
      this.timer = undefined;
      this.onLost();
    }
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!this.held) return;
    this.held = false;
    try {
      await this.kv.delete(this.key, { previousSeq: this.revision });
    } catch {
      // Someone else holds it now, or it expired: nothing to release.
    }
  }
}
