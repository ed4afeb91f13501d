import { Counter, Gauge, Histogram } from 'prom-client';
import type { ServiceMetrics } from '@talkrec/platform';

/** The controller's own counters, on the service's registry. */
export class ControllerMetrics {
  /** HPB messages by what became of them: decided, ignored, rejected. */
  readonly hpbMessages: Counter<'result'>;
  /** Call decisions: call-started, call-ended, participants-changed, safety-stop. */
  readonly decisions: Counter<'decision'>;
  /** Recording transitions by target state. */
  readonly transitions: Counter<'to'>;
  readonly recordingsStarted: Counter<'trigger'>;
  /** Callbacks to Talk by result: delivered, refused, retry. */
  readonly callbacks: Counter<'type' | 'result'>;
  /** Time from an HPB message's arrival to its decisions being carried out. */
  readonly decideSeconds: Histogram;
  /** Notices posted into conversations, by notice and result (posted, refused, failed, retry). */
  readonly announcements: Counter<'notice' | 'result'>;
  /** Recordings whose media was purged, by why (uploaded, failed-expired). */
  readonly purged: Counter<'why'>;
  readonly purgedBytes: Counter;
  /** JetStream file storage in use (the account, and each stream) and its limit (-1: none). */
  readonly storageBytes: Gauge;
  readonly storageLimitBytes: Gauge;
  readonly streamBytes: Gauge<'stream'>;
  readonly streamLimitBytes: Gauge<'stream'>;

  constructor(metrics: ServiceMetrics) {
    const registers = [metrics.registry];
    this.hpbMessages = new Counter({
      name: 'talkrec_controller_hpb_messages_total',
      help: 'HPB backend.room messages handled, by result',
      labelNames: ['result'],
      registers,
    });
    this.decisions = new Counter({
      name: 'talkrec_controller_call_decisions_total',
      help: 'Call decisions made from HPB events',
      labelNames: ['decision'],
      registers,
    });
    this.transitions = new Counter({
      name: 'talkrec_controller_transitions_total',
      help: 'Recording state transitions, by target state',
      labelNames: ['to'],
      registers,
    });
    this.recordingsStarted = new Counter({
      name: 'talkrec_controller_recordings_started_total',
      help: 'Recordings started, by trigger',
      labelNames: ['trigger'],
      registers,
    });
    this.callbacks = new Counter({
      name: 'talkrec_controller_talk_callbacks_total',
      help: 'Callbacks to Talk, by type and result',
      labelNames: ['type', 'result'],
      registers,
    });
    this.decideSeconds = new Histogram({
      name: 'talkrec_controller_decide_seconds',
      help: 'HPB message handling time, decisions included',
      buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1],
      registers,
    });
    this.announcements = new Counter({
      name: 'talkrec_controller_announcements_total',
      help: 'Notices posted into conversations through the bot API, by notice and result',
      labelNames: ['notice', 'result'],
      registers,
    });
    this.purged = new Counter({
      name: 'talkrec_controller_media_purged_total',
      help: 'Recordings whose media was deleted by the retention policy, by why',
      labelNames: ['why'],
      registers,
    });
    this.purgedBytes = new Counter({
      name: 'talkrec_controller_media_purged_bytes_total',
      help: 'Bytes of media deleted by the retention policy',
      registers,
    });
    this.storageBytes = new Gauge({
      name: 'talkrec_jetstream_storage_bytes',
      help: "JetStream file storage used by talkrec's account",
      registers,
    });
    this.storageLimitBytes = new Gauge({
      name: 'talkrec_jetstream_storage_limit_bytes',
      help: 'The limit that storage is measured against (-1: none known)',
      registers,
    });
    this.streamBytes = new Gauge({
      name: 'talkrec_jetstream_stream_bytes',
      help: 'Bytes stored in each JetStream stream (object stores and KV buckets included)',
      labelNames: ['stream'],
      registers,
    });
    this.streamLimitBytes = new Gauge({
      name: 'talkrec_jetstream_stream_limit_bytes',
      help: "Each stream's size limit (-1: none)",
      labelNames: ['stream'],
      registers,
    });
  }
}
