import { inject, injectable } from 'tsyringe';
import type { RecordingState } from '@talkrec/contracts';
import { TOKENS, type Clock, type Logger, type MediaStore } from '@talkrec/platform';
import type { ControllerConfig } from '../config.js';
import { mediaUsageByRecording, type MediaUsage } from '../adapters/media-usage.js';
import type { StateStore } from '../adapters/state-store.js';
import { retentionVerdict, type RetentionPolicy } from '../core/retention.js';
import type { ControllerMetrics } from '../metrics.js';
import { CTOKENS } from '../tokens.js';
import { Orchestrator } from './orchestrator.js';

export interface PurgeItem extends MediaUsage {
  recordingId: string;
  state: RecordingState['state'];
  why: string;
  /** Kept until then (when the policy names a time). */
  until?: string;
}

/** What the policy lets go now, and what it keeps (only recordings that still hold media). */
export interface PurgePlan {
  purge: PurgeItem[];
  keep: PurgeItem[];
}

const NONE: MediaUsage = { objects: 0, bytes: 0 };

/**
 * Retention: deletes the media of recordings that the policy lets go (uploaded and past the grace, or
 * failed longer ago than FAILED_RETENTION_DAYS), on demand and, on the leader, every RETENTION_CHECK_S.
 * Every deletion re-checks the policy on the recording's current state, under its lock.
 */
@injectable()
export class Purger {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private readonly policy: RetentionPolicy;

  constructor(
    @inject(TOKENS.Config) private readonly config: ControllerConfig,
    @inject(CTOKENS.Store) private readonly store: StateStore,
    @inject(TOKENS.Media) private readonly media: MediaStore,
    @inject(Orchestrator) private readonly orchestrator: Orchestrator,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly log: Logger,
    @inject(CTOKENS.ControllerMetrics) private readonly metrics: ControllerMetrics,
  ) {
    this.policy = {
      uploadedGraceMs: config.MEDIA_DELETE_GRACE_S * 1000,
      failedRetentionMs: config.FAILED_RETENTION_DAYS * 86_400_000,
    };
  }

  start(): void {
    this.schedule();
    this.timer = setInterval(() => this.schedule(), this.config.RETENTION_CHECK_S * 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    this.running = this.running
      .then(() => this.purge({ by: 'retention' }))
      .catch((err: unknown) => this.log.error({ err }, 'retention purge failed; retrying at the next check'));
  }

  /** A dry run: what would be purged now, and why the rest is kept. */
  async plan(only?: readonly string[]): Promise<PurgePlan> {
    const usage = await mediaUsageByRecording(this.media);
    const now = this.clock.now();
    const plan: PurgePlan = { purge: [], keep: [] };
    for (const r of await this.store.listRecordings()) {
      if (only && !only.includes(r.recordingId)) continue;
      const held = usage.get(r.recordingId) ?? NONE;
      const verdict = retentionVerdict(r, now, this.policy);
      const item: PurgeItem = {
        recordingId: r.recordingId,
        state: r.state,
        why: verdict.why,
        ...(!verdict.purge && verdict.until ? { until: verdict.until } : {}),
        ...held,
      };
      if (verdict.purge && (held.objects > 0 || !r.mediaDeletedAt)) plan.purge.push(item);
      else if (held.objects > 0) plan.keep.push(item);
    }
    return plan;
  }

  /** Purges what the policy allows now (of `only`, when given); returns what was purged. */
  async purge(opts: { by: string; only?: readonly string[] }): Promise<PurgeItem[]> {
    const purged: PurgeItem[] = [];
    for (const item of (await this.plan(opts.only)).purge) {
      const objects = await this.orchestrator.purgeMedia(
        item.recordingId,
        (s) => retentionVerdict(s, this.clock.now(), this.policy).purge,
      );
      if (objects === undefined) continue;
      purged.push(item);
      this.metrics.purged.inc({ why: item.why });
      this.metrics.purgedBytes.inc(item.bytes);
      this.log.info(
        { recordingId: item.recordingId, why: item.why, objects, bytes: item.bytes, by: opts.by },
        'media purged',
      );
    }
    return purged;
  }
}
