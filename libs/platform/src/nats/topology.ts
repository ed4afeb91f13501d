import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type KV,
  type ObjectStore,
  type StreamConfig,
} from 'nats';
import { nanos, type ConsumerDef, type KvDef, type ObjectStoreDef, type StreamDef } from '@talkrec/contracts';

const isNotFound = (err: unknown) => /not found/i.test(String((err as Error)?.message ?? err));

/**
 * Creates the stream if it is missing; otherwise updates subjects and description, and the limits only
 * when this caller sets them from its config (`overrides`). Services that merely use a stream must not
 * put back the contract's default limits over an admin's configured ones. Idempotent.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  def: StreamDef,
  overrides?: Partial<Pick<StreamDef, 'maxAgeNs' | 'maxBytes'>>,
): Promise<void> {
  const wanted: Partial<StreamConfig> = {
    name: def.name,
    subjects: [...def.subjects],
    retention: def.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: overrides?.maxAgeNs ?? def.maxAgeNs,
    max_bytes: overrides?.maxBytes ?? def.maxBytes,
    duplicate_window: def.duplicateWindowNs || undefined,
    discard: DiscardPolicy.Old,
    description: def.description,
    num_replicas: 1,
  };
  if (def.retention === 'workqueue') {
    // A full work queue must refuse new jobs loudly rather than silently drop old ones.
    wanted.discard = DiscardPolicy.New;
  }
  try {
    const info = await jsm.streams.info(def.name);
    const c = info.config;
    const limits = overrides ? { max_age: wanted.max_age, max_bytes: wanted.max_bytes } : {};
    if (
      (overrides && (c.max_age !== wanted.max_age || c.max_bytes !== wanted.max_bytes)) ||
      c.description !== wanted.description ||
      JSON.stringify(c.subjects) !== JSON.stringify(wanted.subjects)
    ) {
      await jsm.streams.update(def.name, {
        ...c,
        subjects: wanted.subjects,
        description: wanted.description,
        ...limits,
      });
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.streams.add(wanted);
  }
}

/**
 * Creates or corrects a durable pull consumer. Retry delays (`backoffMs`) are applied by the consume
 * loop when it naks; they are deliberately not the server's `backoff`: nats-server then replaces
 * `ack_wait` with the first delay, so a job busy for longer than that (1 s for the controller) was
 * redelivered while it still ran. A consumer made with a server backoff by an older talkrec is reset.
 */
export async function ensureConsumer(jsm: JetStreamManager, def: ConsumerDef): Promise<void> {
  const config = {
    durable_name: def.durable,
    description: def.description,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: def.filterSubject,
    ack_wait: nanos(def.ackWaitMs),
    max_deliver: def.maxDeliver,
    max_ack_pending: def.maxAckPending,
  };
  try {
    const info = await jsm.consumers.info(def.stream, def.durable);
    const c = info.config;
    if (
      c.ack_wait !== config.ack_wait ||
      c.max_deliver !== config.max_deliver ||
      c.max_ack_pending !== config.max_ack_pending ||
      (c.backoff?.length ?? 0) > 0
    ) {
      await jsm.consumers.update(def.stream, def.durable, {
        ack_wait: config.ack_wait,
        max_deliver: config.max_deliver,
        max_ack_pending: config.max_ack_pending,
        description: config.description,
        backoff: undefined,
      });
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.consumers.add(def.stream, config);
  }
}

export async function ensureKv(js: JetStreamClient, def: KvDef): Promise<KV> {
  return js.views.kv(def.bucket, {
    history: def.history,
    ttl: def.ttlMs,
    description: def.description,
  });
}

export async function ensureObjectStore(js: JetStreamClient, def: ObjectStoreDef): Promise<ObjectStore> {
  return js.views.os(def.bucket, {
    description: def.description,
    ...(def.maxBytes > 0 ? { max_bytes: def.maxBytes } : {}),
  });
}
