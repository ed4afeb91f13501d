import { inject, injectable } from 'tsyringe';
import { TOKENS, type Clock, type Logger, type Publisher, type ServiceMetrics } from '@talkrec/platform';
import type { ControllerConfig } from '../config.js';
import type { HpbSource } from '../adapters/hpb-source.js';
import type { RuleCache } from '../adapters/rule-cache.js';
import type { StateStore } from '../adapters/state-store.js';
import { shouldAnnounce } from '../core/announce-policy.js';
import { CallTracker, type CallDecision } from '../core/call-tracker.js';
import { decodeHpbMessage, type HpbBackendMap } from '../core/hpb-decode.js';
import { roomKeyString, type RoomKey } from '../core/room-key.js';
import { decideAutoRecord, shouldRecordNow, type AutoRecordPolicy } from '../core/rules.js';
import type { ControllerMetrics } from '../metrics.js';
import { CTOKENS } from '../tokens.js';
import { Orchestrator } from './orchestrator.js';
import { SerialQueue } from './serial-queue.js';

const NOT_CAUGHT_UP_RECHECK_MS = 500;

/**
 * The leader's call tracking: HPB messages and capture participant reports go through the pure tracker
 * one at a time; its decisions start and stop recordings; the call views are persisted before the HPB
 * message is acknowledged, and grace/safety deadlines are re-armed from them after a takeover.
 */
@injectable()
export class CallWatcher {
  private readonly queue = new SerialQueue();
  private tracker: CallTracker;
  private readonly graceMs: number;
  private readonly announce: ControllerConfig['ANNOUNCE'];
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    @inject(TOKENS.Config) config: ControllerConfig,
    @inject(CTOKENS.HpbBackendMap) private readonly backends: HpbBackendMap,
    @inject(CTOKENS.AutoRecordPolicy) private readonly policy: AutoRecordPolicy,
    @inject(CTOKENS.Store) private readonly store: StateStore,
    @inject(CTOKENS.Rules) private readonly rules: RuleCache,
    @inject(CTOKENS.HpbSource) private readonly source: HpbSource,
    @inject(Orchestrator) private readonly orchestrator: Orchestrator,
    @inject(TOKENS.Publisher) private readonly publisher: Publisher,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly log: Logger,
    @inject(TOKENS.Metrics) private readonly serviceMetrics: ServiceMetrics,
    @inject(CTOKENS.ControllerMetrics) private readonly metrics: ControllerMetrics,
  ) {
    this.graceMs = config.CALL_GRACE_S * 1000;
    this.announce = config.ANNOUNCE;
    this.tracker = new CallTracker(this.graceMs);
    // A call that outlived its recording (stopped by an admin, the safety net, or still finishing when a
    // new call began) is considered again once the room is free.
    orchestrator.onCaptureEnded = (room, recordingId) =>
      void this.queue
        .run(async () => {
          const again = this.tracker.recordingStopped(room, recordingId);
          await this.persist();
          if (again) await this.maybeRecord(room, this.tracker.get(room)?.inCall.length ?? 0);
          await this.persist();
        })
        .catch((err: unknown) => this.log.error({ err, recordingId }, 'room release not handled'));
  }

  async start(): Promise<void> {
    this.running = true;
    this.tracker = new CallTracker(this.graceMs);
    this.tracker.load(await this.store.listCalls());
    this.log.info({ rooms: this.tracker.size, mode: this.source.mode }, 'call tracking started');
    await this.source.start((subject, data) => this.queue.run(() => this.onHpb(subject, data)));
    this.rearm();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.source.stop();
    await this.queue.idle();
  }

  /** What capture's page sees (the safety net for call ends the HPB never reported). */
  captureParticipants(room: RoomKey, recordingId: string, participants: number, at: number): Promise<void> {
    return this.queue.run(async () => {
      this.tracker.captureParticipants(room, recordingId, participants, Math.min(at, this.clock.now()));
      await this.persist();
      this.rearm();
    });
  }

  private async onHpb(subject: string, data: Uint8Array): Promise<void> {
    const started = performance.now();
    const decoded = decodeHpbMessage(subject, data, this.backends);
    if (!decoded.ok) {
      this.metrics.hpbMessages.inc({ result: 'rejected' });
      this.serviceMetrics.rejected.inc({ source: 'hpb', reason: decoded.reason });
      this.log.warn({ subject, reason: decoded.reason, detail: decoded.detail }, 'hpb message rejected');
      await this.publisher.deadLetter({ subject, data, error: `${decoded.reason}: ${decoded.detail}` });
      return;
    }
    const decisions = await this.undoable(
      () => this.tracker.apply(decoded.event, this.clock.now()),
      [decoded.event.key],
    );
    this.metrics.hpbMessages.inc({ result: decisions.length ? 'decided' : 'tracked' });
    this.rearm();
    this.metrics.decideSeconds.observe((performance.now() - started) / 1000);
  }

  private async act(decisions: readonly CallDecision[]): Promise<void> {
    for (const d of decisions) {
      this.metrics.decisions.inc({ decision: d.kind });
      const room = roomKeyString(d.key);
      switch (d.kind) {
        case 'call-started':
          this.log.info({ room, participants: d.participants }, 'call started');
          await this.maybeRecord(d.key, d.participants);
          break;
        case 'participants-changed':
          await this.maybeRecord(d.key, d.participants);
          break;
        case 'call-ended': {
          this.log.info({ room, reason: d.reason }, 'call ended');
          const stopped = await this.orchestrator.stopRoom(d.key, `call ended (${d.reason})`);
          if (stopped) this.log.info({ room, recordingId: stopped }, 'recording stopped at call end');
          break;
        }
        case 'safety-stop':
          this.log.warn({ room, recordingId: d.recordingId }, 'safety net: nobody in the call; stopping');
          await this.orchestrator.apply(d.recordingId, {
            kind: 'stop',
            reason: 'safety net: nobody in the call',
          });
          break;
      }
    }
  }

  private async maybeRecord(key: RoomKey, participants: number): Promise<void> {
    const view = this.tracker.get(key);
    if (!view?.active || view.recordingId) return;
    const rule = this.rules.get(key);
    const decision = decideAutoRecord(this.policy, key, rule);
    if (!shouldRecordNow(decision, participants)) return;
    const trigger = { kind: 'rule', rule: decision.rule } as const;
    const result = await this.orchestrator.startRecording({
      room: key,
      mode: decision.mode,
      layout: decision.layout,
      trigger,
      announce: shouldAnnounce(this.announce, trigger, rule),
    });
    this.tracker.recordingStarted(key, result.recordingId);
  }

  /**
   * A tracker step, its decisions carried out, and the views stored; when any of it fails the tracker is
   * put back as it was, so the redelivered message (or the next tick) decides again.
   */
  private async undoable(decide: () => CallDecision[], rooms?: RoomKey[]): Promise<CallDecision[]> {
    const before = this.tracker.snapshot(rooms);
    try {
      const decisions = decide();
      await this.act(decisions);
      await this.persist();
      return decisions;
    } catch (err) {
      this.tracker.restore(before, rooms === undefined);
      await this.persist().catch(() => undefined);
      throw err;
    }
  }

  private async persist(): Promise<void> {
    for (const { key, view } of this.tracker.takeDirty()) await this.store.putCall(key, view);
  }

  private rearm(): void {
    clearTimeout(this.timer);
    if (!this.running) return;
    const next = this.tracker.nextDeadline();
    if (next === undefined) return;
    this.timer = setTimeout(
      () => void this.queue.run(() => this.tick()),
      Math.max(0, next - this.clock.now()),
    );
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    // Deadlines wait for the backlog: a rejoin still queued in the stream must be seen first.
    if (!this.source.caughtUp) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.queue.run(() => this.tick()), NOT_CAUGHT_UP_RECHECK_MS);
      return;
    }
    try {
      await this.undoable(() => this.tracker.tick(this.clock.now()));
    } catch (err) {
      this.log.error({ err }, 'call deadlines not handled; retrying');
      this.timer = setTimeout(() => void this.queue.run(() => this.tick()), NOT_CAUGHT_UP_RECHECK_MS);
      return;
    }
    this.rearm();
  }
}
