import type { JetStreamClient } from 'nats';
import { inject, injectable } from 'tsyringe';
import { consumers, kv as buckets, leaseKeys } from '@talkrec/contracts';
import {
  ConsumeLoop,
  Lease,
  TOKENS,
  type Logger,
  type Publisher,
  type ServiceMetrics,
  type StopMode,
} from '@talkrec/platform';
import type { ControllerConfig } from '../config.js';
import { AnnounceHandler } from '../handlers/announce.handler.js';
import { CallbackHandler } from '../handlers/callback.handler.js';
import { CommandHandler } from '../handlers/command.handler.js';
import { EventHandler } from '../handlers/event.handler.js';
import { CallWatcher } from './call-watcher.js';
import { Orchestrator } from './orchestrator.js';
import { Purger } from './purger.js';
import { StorageWatch } from './storage-watch.js';

/** Renewal well inside the lease bucket's TTL, so one slow renewal does not cost the lease. */
const RENEW_EVERY_MS = Math.floor(buckets.leases.ttlMs / 4);
const ACQUIRE_EVERY_MS = 1_000;

/**
 * One writer: the instance holding the controller lease consumes the HPB stream, the commands, the
 * stage events and the Talk jobs (callbacks and notices), purges media by the retention policy and watches
 * JetStream storage. Followers keep trying and take over when the lease expires.
 */
@injectable()
export class Leadership {
  private lease: Lease | undefined;
  private timer: NodeJS.Timeout | undefined;
  private loops: ConsumeLoop[] = [];
  private leading = false;
  private transition: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @inject(TOKENS.Config) private readonly config: ControllerConfig,
    @inject(TOKENS.JetStream) private readonly js: JetStreamClient,
    @inject(TOKENS.Publisher) private readonly publisher: Publisher,
    @inject(TOKENS.Logger) private readonly log: Logger,
    @inject(TOKENS.Metrics) private readonly metrics: ServiceMetrics,
    @inject(CallWatcher) private readonly watcher: CallWatcher,
    @inject(Orchestrator) private readonly orchestrator: Orchestrator,
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(EventHandler) private readonly events: EventHandler,
    @inject(CallbackHandler) private readonly callbacks: CallbackHandler,
    @inject(AnnounceHandler) private readonly announcements: AnnounceHandler,
    @inject(Purger) private readonly purger: Purger,
    @inject(StorageWatch) private readonly storage: StorageWatch,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** True when this instance leads and every leader loop runs. */
  get healthy(): boolean {
    return !this.leading || this.loops.every((l) => l.running);
  }

  async start(): Promise<void> {
    const kv = await this.js.views.kv(buckets.leases.bucket, { bindOnly: true });
    this.lease = new Lease(
      kv,
      leaseKeys.controller,
      this.config.INSTANCE_ID,
      RENEW_EVERY_MS,
      this.log,
      () => {
        this.serialize(() => this.stepDown('drain', 'lease lost'));
      },
    );
    await this.tryLead();
    this.timer = setInterval(() => void this.tryLead(), ACQUIRE_EVERY_MS);
  }

  async stop(mode: StopMode): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.serialize(() => this.stepDown(mode, 'stopping'));
    await this.transition;
    await this.lease?.release();
  }

  private serialize(task: () => Promise<void>): void {
    this.transition = this.transition.then(task).catch((err: unknown) => {
      this.log.error({ err }, 'leadership change failed');
    });
  }

  private async tryLead(): Promise<void> {
    if (this.leading || this.stopped || !this.lease) return;
    let acquired = false;
    try {
      acquired = await this.lease.tryAcquire();
    } catch (err) {
      this.log.warn({ err }, 'lease not acquired');
    }
    if (acquired) this.serialize(() => this.lead());
    await this.transition;
  }

  private async lead(): Promise<void> {
    if (this.leading || this.stopped) return;
    this.leading = true;
    this.log.info({ instance: this.config.INSTANCE_ID }, 'leading');
    const common = {
      js: this.js,
      concurrency: 1,
      publisher: this.publisher,
      log: this.log,
      metrics: this.metrics,
    };
    this.loops = [
      new ConsumeLoop({ ...common, consumer: consumers.controllerCommands, routes: this.commands.routes() }),
      new ConsumeLoop({ ...common, consumer: consumers.controllerEvents, routes: this.events.routes() }),
      new ConsumeLoop({
        ...common,
        consumer: consumers.controllerCallbacks,
        // Notices share the Talk work queue with the callbacks (one stream, one consumer over `talk.>`).
        routes: [...this.callbacks.routes(), ...this.announcements.routes()],
      }),
    ];
    try {
      await this.orchestrator.reconcile();
      await this.watcher.start();
      for (const loop of this.loops) loop.start();
      this.purger.start();
      this.storage.start();
    } catch (err) {
      this.log.error({ err }, 'taking the lead failed; stepping down');
      await this.stepDown('stop', 'start failed');
      await this.lease?.release();
    }
  }

  private async stepDown(mode: StopMode, why: string): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.log.info({ why }, 'no longer leading');
    await Promise.all(this.loops.map((l) => l.stop(mode, this.config.DRAIN_TIMEOUT_S * 1000)));
    this.loops = [];
    await this.purger.stop();
    await this.storage.stop();
    await this.watcher.stop();
    this.orchestrator.stop();
  }
}
