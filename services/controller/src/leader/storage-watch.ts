import type { JetStreamManager } from 'nats';
import { inject, injectable } from 'tsyringe';
import { TOKENS, type Clock, type Logger } from '@talkrec/platform';
import type { ControllerConfig } from '../config.js';
import { enforceStreamLimits } from '../adapters/jetstream-limits.js';
import { ACCOUNT_SCOPE, readJetStreamStorage } from '../adapters/jetstream-usage.js';
import { storageAlerts, type StorageAlert } from '../core/storage.js';
import type { ControllerMetrics } from '../metrics.js';
import { storageLimits } from '../topology.js';
import { CTOKENS } from '../tokens.js';

/** A scope that stays above the threshold is warned about again after this long. */
const REWARN_MS = 3_600_000;

/**
 * The leader's eye on JetStream storage, so a disk never fills silently: usage and limits as metrics, a
 * warning when the account or a limited stream passes the threshold, and the configured stream limits put
 * back when something reset them.
 */
@injectable()
export class StorageWatch {
  private timer: NodeJS.Timeout | undefined;
  private readonly warnedAt = new Map<string, number>();
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    @inject(TOKENS.Config) private readonly config: ControllerConfig,
    @inject(TOKENS.JetStreamManager) private readonly jsm: JetStreamManager,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly log: Logger,
    @inject(CTOKENS.ControllerMetrics) private readonly metrics: ControllerMetrics,
  ) {}

  start(): void {
    this.schedule();
    this.timer = setInterval(() => this.schedule(), this.config.JETSTREAM_CHECK_S * 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    this.running = this.check().catch((err: unknown) =>
      this.log.warn({ err }, 'jetstream storage not checked'),
    );
  }

  /** One check; returns the scopes above the threshold. */
  async check(): Promise<StorageAlert[]> {
    const restored = await enforceStreamLimits(this.jsm, storageLimits(this.config));
    if (restored.length) {
      this.log.warn({ streams: restored }, 'stream limits put back to the configured values');
    }
    const readings = await readJetStreamStorage(this.jsm, this.config.JETSTREAM_STORAGE_LIMIT_BYTES);
    for (const r of readings) {
      if (r.scope === ACCOUNT_SCOPE) {
        this.metrics.storageBytes.set(r.usedBytes);
        this.metrics.storageLimitBytes.set(r.limitBytes);
      } else {
        this.metrics.streamBytes.set({ stream: r.scope }, r.usedBytes);
        this.metrics.streamLimitBytes.set({ stream: r.scope }, r.limitBytes);
      }
    }
    const alerts = storageAlerts(readings, this.config.JETSTREAM_STORAGE_WARN_PERCENT);
    const now = this.clock.now();
    for (const a of alerts) {
      const last = this.warnedAt.get(a.scope);
      if (last !== undefined && now - last < REWARN_MS) continue;
      this.warnedAt.set(a.scope, now);
      this.log.warn(
        { scope: a.scope, usedBytes: a.usedBytes, limitBytes: a.limitBytes, percent: a.percent },
        'jetstream storage above threshold',
      );
    }
    for (const scope of this.warnedAt.keys()) {
      if (alerts.some((a) => a.scope === scope)) continue;
      this.warnedAt.delete(scope);
      this.log.info({ scope }, 'jetstream storage back below threshold');
    }
    return alerts;
  }
}
