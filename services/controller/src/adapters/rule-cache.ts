import type { JetStreamClient, KvEntry, QueuedIterator } from 'nats';
import { RoomRule, kv as buckets, roomRuleKey } from '@talkrec/contracts';
import type { Logger } from '@talkrec/platform';
import type { RoomKey } from '../core/room-key.js';

/**
 * The per-room rules, kept in memory by a watch on their bucket: deciding whether a call is recorded costs
 * no round trip to NATS. An edit through the admin API reaches every instance within milliseconds.
 */
export class RuleCache {
  private readonly rules = new Map<string, RoomRule>();
  private loop: Promise<void> | undefined;

  private constructor(
    private readonly watcher: QueuedIterator<KvEntry>,
    private readonly log: Logger,
  ) {}

  /** Resolves once every stored rule is loaded. */
  static async open(js: JetStreamClient, log: Logger): Promise<RuleCache> {
    const kv = await js.views.kv(buckets.rules.bucket, { bindOnly: true });
    let loaded!: () => void;
    const initialized = new Promise<void>((resolve) => (loaded = resolve));
    const watcher = await kv.watch({ initializedFn: () => loaded() });
    const cache = new RuleCache(watcher, log);
    cache.loop = cache.follow();
    await initialized;
    return cache;
  }

  get(room: RoomKey): RoomRule | undefined {
    return this.rules.get(roomRuleKey(room.backendId, room.roomToken));
  }

  get size(): number {
    return this.rules.size;
  }

  async stop(): Promise<void> {
    this.watcher.stop();
    await this.loop;
  }

  private async follow(): Promise<void> {
    for await (const e of this.watcher) {
      if (e.operation !== 'PUT') {
        this.rules.delete(e.key);
        continue;
      }
      const parsed = RoomRule.safeParse(e.json());
      if (parsed.success) {
        this.rules.set(e.key, parsed.data);
      } else {
        this.rules.delete(e.key);
        this.log.warn({ key: e.key, error: parsed.error.message }, 'room rule ignored: invalid');
      }
    }
  }
}
