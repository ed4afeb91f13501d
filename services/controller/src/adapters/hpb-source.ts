import type { ConsumerMessages, JetStreamClient, JetStreamManager, NatsConnection, Subscription } from 'nats';
import {
  HPB_BACKEND_ROOM_FILTER,
  HPB_ROOMS_CONSUMER,
  HPB_ROOMS_STREAM,
  type ConsumerDef,
  type StreamDef,
} from '@talkrec/contracts';
import { ensureConsumer, ensureStream, type Logger } from '@talkrec/platform';

/** Handles one HPB message; it is acknowledged when the promise resolves, redelivered when it rejects. */
export type HpbSink = (subject: string, data: Uint8Array) => Promise<void>;

export interface HpbSourceOptions {
  /** How long the stream on the HPB's NATS keeps messages (seconds). */
  maxAgeS: number;
}

const SECOND_NS = 1_000_000_000;
const RESTART_DELAY_MS = 1_000;

/**
 * The HPB's `backend.room.*` messages, subscribe-only. Where the HPB's NATS has JetStream, a stream over
 * the subjects (created idempotently) and a durable consumer mean nothing is missed while the controller
 * restarts; otherwise a core subscription (at most once, like the HPB itself).
 */
export class HpbSource {
  private running = false;
  private messages: ConsumerMessages | undefined;
  private sub: Subscription | undefined;
  private loop: Promise<void> | undefined;
  private caughtUpNow = true;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager | undefined,
    private readonly log: Logger,
    private readonly options: HpbSourceOptions,
  ) {}

  static async open(nc: NatsConnection, log: Logger, options: HpbSourceOptions): Promise<HpbSource> {
    let jsm: JetStreamManager | undefined;
    try {
      jsm = await nc.jetstreamManager({ checkAPI: true });
      await jsm.getAccountInfo();
    } catch (err) {
      log.warn(
        { err },
        'hpb nats has no jetstream; using a core subscription (events are missed while down)',
      );
      jsm = undefined;
    }
    return new HpbSource(nc, jsm, log, options);
  }

  get mode(): 'jetstream' | 'core' {
    return this.jsm ? 'jetstream' : 'core';
  }

  /** False while a backlog from before this leader started is being worked off. */
  get caughtUp(): boolean {
    return this.caughtUpNow;
  }

  private get streamDef(): StreamDef {
    return {
      name: HPB_ROOMS_STREAM,
      subjects: [HPB_BACKEND_ROOM_FILTER],
      retention: 'limits',
      maxAgeNs: this.options.maxAgeS * SECOND_NS,
      maxBytes: -1,
      duplicateWindowNs: 0,
      description: "talkrec's durable copy of the HPB's backend.room messages (call events)",
    };
  }

  private get consumerDef(): ConsumerDef {
    return {
      stream: HPB_ROOMS_STREAM,
      durable: HPB_ROOMS_CONSUMER,
      filterSubject: HPB_BACKEND_ROOM_FILTER,
      // Handling a message takes milliseconds; a dead leader's messages come back soon after its lease ends.
      ackWaitMs: 5_000,
      maxDeliver: 10,
      maxAckPending: 1_000,
      description: 'The controller leader tracks calls',
    };
  }

  /**
   * Creates the stream and its consumer (idempotent). Every instance does this at start, so the HPB's
   * messages are kept from then on even while no leader runs.
   */
  async prepare(): Promise<void> {
    if (!this.jsm) return;
    await ensureStream(this.jsm, this.streamDef);
    await ensureConsumer(this.jsm, this.consumerDef);
  }

  async start(sink: HpbSink): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (!this.jsm) {
      this.sub = this.nc.subscribe(HPB_BACKEND_ROOM_FILTER);
      this.caughtUpNow = true;
      this.loop = this.runCore(this.sub, sink);
      return;
    }
    await this.prepare();
    const info = await this.jsm.consumers.info(HPB_ROOMS_STREAM, HPB_ROOMS_CONSUMER);
    this.caughtUpNow = info.num_pending === 0 && info.num_ack_pending === 0;
    this.loop = this.runJetStream(this.nc.jetstream(), sink);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sub?.unsubscribe();
    this.messages?.stop();
    await this.loop;
    this.loop = undefined;
  }

  private async runCore(sub: Subscription, sink: HpbSink): Promise<void> {
    for await (const m of sub) {
      try {
        await sink(m.subject, m.data);
      } catch (err) {
        this.log.error({ err, subject: m.subject }, 'hpb message not handled');
      }
    }
  }

  private async runJetStream(js: JetStreamClient, sink: HpbSink): Promise<void> {
    while (this.running) {
      try {
        const consumer = await js.consumers.get(HPB_ROOMS_STREAM, HPB_ROOMS_CONSUMER);
        this.messages = await consumer.consume({ max_messages: 256 });
        if (!this.running) this.messages.stop();
        for await (const m of this.messages) {
          if (m.info.pending === 0) this.caughtUpNow = true;
          try {
            await sink(m.subject, m.data);
            m.ack();
          } catch (err) {
            this.log.error({ err, subject: m.subject, seq: m.seq }, 'hpb message not handled; redelivering');
            m.nak(RESTART_DELAY_MS);
          }
        }
      } catch (err) {
        if (!this.running) break;
        this.log.warn({ err }, 'hpb consumer interrupted; restarting');
      }
      if (this.running) {
        await new Promise((r) => setTimeout(r, RESTART_DELAY_MS));
        await this.prepare().catch((err: unknown) => this.log.warn({ err }, 'hpb stream not ensured'));
      }
    }
  }
}
