/**
 * Names and settings of every JetStream stream, consumer, KV bucket and object-store bucket.
 * Services create them idempotently at start from these definitions (the platform lib's topology).
 */
import { subjects } from './subjects.js';

const SECOND_NS = 1_000_000_000;
export const nanos = (ms: number) => ms * 1_000_000;

export interface StreamDef {
  name: string;
  subjects: string[];
  /** `workqueue` for jobs (a message is gone once acknowledged), `limits` for logs. */
  retention: 'workqueue' | 'limits';
  /** Maximum age in nanoseconds, 0 = unlimited (bounded by maxBytes). */
  maxAgeNs: number;
  /** Maximum bytes, -1 = unlimited; set from config where a disk can fill. */
  maxBytes: number;
  /** De-duplication window in nanoseconds for `Nats-Msg-Id`. */
  duplicateWindowNs: number;
  description: string;
}

export interface ConsumerDef {
  stream: string;
  durable: string;
  filterSubject: string;
  /** How long a delivered message may stay unacknowledged before redelivery (ms). */
  ackWaitMs: number;
  /** Deliveries before JetStream gives up; the consume loop fails the job on the last one. */
  maxDeliver: number;
  /**
   * Delays (ms) before a job that asked to be retried is delivered again, by attempt (the consume loop
   * naks with them); a delivery nobody acknowledges comes back after `ackWaitMs`. Length < maxDeliver.
   */
  backoffMs?: number[];
  /** Messages handed out but not yet acknowledged, across all instances. */
  maxAckPending: number;
  description: string;
}

export const streams = {
  events: {
    name: 'TALKREC_EVENTS',
    subjects: [subjects.allEvents],
    retention: 'limits',
    maxAgeNs: 90 * 24 * 3600 * SECOND_NS,
    maxBytes: -1,
    duplicateWindowNs: 120 * SECOND_NS,
    description: 'Lifecycle events of every recording: the audit trail, and what replay reads',
  },
  captureJobs: {
    name: 'TALKREC_JOBS_CAPTURE',
    subjects: [subjects.allCaptureJobs],
    retention: 'workqueue',
    maxAgeNs: 0,
    maxBytes: -1,
    duplicateWindowNs: 120 * SECOND_NS,
    description: 'One job per recording, held by a capture instance while the call is recorded',
  },
  encodeJobs: {
    name: 'TALKREC_JOBS_ENCODE',
    subjects: [subjects.allEncodeJobs],
    retention: 'workqueue',
    maxAgeNs: 0,
    maxBytes: -1,
    duplicateWindowNs: 120 * SECOND_NS,
    description: 'Segment transcodes and final assemblies',
  },
  uploadJobs: {
    name: 'TALKREC_JOBS_UPLOAD',
    subjects: [subjects.allUploadJobs],
    retention: 'workqueue',
    maxAgeNs: 0,
    maxBytes: -1,
    duplicateWindowNs: 120 * SECOND_NS,
    description: 'Deliveries of finished recordings',
  },
  talkCallbacks: {
    name: 'TALKREC_JOBS_TALK',
    subjects: [subjects.allTalkJobs],
    retention: 'workqueue',
    maxAgeNs: 7 * 24 * 3600 * SECOND_NS,
    maxBytes: -1,
    duplicateWindowNs: 120 * SECOND_NS,
    description: 'Callbacks to Talk (started/stopped/failed), retried until Nextcloud answers',
  },
  commands: {
    name: 'TALKREC_COMMANDS',
    subjects: [subjects.allCommands],
    retention: 'workqueue',
    maxAgeNs: 24 * 3600 * SECOND_NS,
    maxBytes: -1,
    duplicateWindowNs: 120 * SECOND_NS,
    description: 'Start/stop/retry requests for the controller',
  },
  deadLetters: {
    name: 'TALKREC_DLQ',
    subjects: [subjects.allDeadLetters],
    retention: 'limits',
    maxAgeNs: 30 * 24 * 3600 * SECOND_NS,
    maxBytes: 256 * 1024 * 1024,
    duplicateWindowNs: 120 * SECOND_NS,
    description: 'Messages that failed validation, with the reason',
  },
} as const satisfies Record<string, StreamDef>;

export const consumers = {
  captureWorkers: {
    stream: streams.captureJobs.name,
    durable: 'capture-workers',
    filterSubject: subjects.allCaptureJobs,
    // A live capture acks progress every second; a dead one is noticed within ackWait, and another
    // instance continues its recording (capture's takeover must complete within 20 s).
    ackWaitMs: 10_000,
    maxDeliver: 20,
    maxAckPending: 1000,
    description: 'Capture instances compete for recordings',
  },
  encodeWorkers: {
    stream: streams.encodeJobs.name,
    durable: 'encode-workers',
    filterSubject: subjects.allEncodeJobs,
    ackWaitMs: 60_000,
    maxDeliver: 6,
    backoffMs: [5_000, 30_000, 120_000, 600_000, 1_800_000],
    maxAckPending: 1000,
    description: 'Encoder instances compete for segment and assembly jobs',
  },
  uploadWorkers: {
    stream: streams.uploadJobs.name,
    durable: 'upload-workers',
    filterSubject: subjects.allUploadJobs,
    ackWaitMs: 120_000,
    // The uploader sets its own delays with nak(delay) and gives up by age (hours), not by count.
    maxDeliver: 10_000,
    maxAckPending: 1000,
    description: 'Uploader instances compete for deliveries',
  },
  controllerCommands: {
    stream: streams.commands.name,
    durable: 'controller-commands',
    filterSubject: subjects.allCommands,
    // One message at a time: what a killed leader held blocks the queue until it comes back, so this
    // stays at the lease TTL (the consume loop heartbeats handlers that run longer).
    ackWaitMs: 10_000,
    maxDeliver: 5,
    backoffMs: [1_000, 5_000, 30_000, 120_000],
    maxAckPending: 1,
    description: 'The controller leader applies commands one at a time',
  },
  controllerCallbacks: {
    stream: streams.talkCallbacks.name,
    durable: 'controller-talk-callbacks',
    filterSubject: subjects.allTalkJobs,
    ackWaitMs: 30_000,
    // The handler sets its own delays with nak(delay); about a day of attempts before giving up.
    maxDeliver: 200,
    maxAckPending: 100,
    description: 'The controller leader delivers callbacks to Talk',
  },
  controllerEvents: {
    stream: streams.events.name,
    durable: 'controller-events',
    filterSubject: subjects.allEvents,
    // One message at a time: what a killed leader held blocks the queue until it comes back, so this
    // stays at the lease TTL (the consume loop heartbeats handlers that run longer).
    ackWaitMs: 10_000,
    maxDeliver: 10,
    backoffMs: [1_000, 5_000, 15_000, 60_000, 120_000, 300_000, 600_000, 600_000, 600_000],
    maxAckPending: 1,
    description: 'The controller leader folds stage events into recording state, in order',
  },
} as const satisfies Record<string, ConsumerDef>;

export interface KvDef {
  bucket: string;
  /** Revisions kept per key. */
  history: number;
  /** Entry lifetime in ms, 0 = forever. */
  ttlMs: number;
  description: string;
}

export const kv = {
  recordings: {
    bucket: 'talkrec_recordings',
    history: 5,
    ttlMs: 0,
    description: 'Recording state by id; written by the controller only',
  },
  activeRooms: {
    bucket: 'talkrec_rooms',
    history: 1,
    ttlMs: 0,
    description: 'Active recording id per <backendId>.<roomToken>',
  },
  calls: {
    bucket: 'talkrec_calls',
    history: 1,
    ttlMs: 0,
    description: "The controller's view of each room's call (who is in it, grace deadlines)",
  },
  rules: { bucket: 'talkrec_rules', history: 10, ttlMs: 0, description: 'Per-room auto-record rules' },
  uploads: {
    bucket: 'talkrec_uploads',
    history: 1,
    ttlMs: 0,
    description: 'Chunk progress of uploads, so a restarted uploader resumes',
  },
  leases: {
    bucket: 'talkrec_leases',
    history: 1,
    ttlMs: 10_000,
    description: 'Leader leases (the controller)',
  },
} as const satisfies Record<string, KvDef>;

export interface ObjectStoreDef {
  bucket: string;
  description: string;
  maxBytes: number;
  /**
   * Bytes per chunk message when writing (bytes). Larger chunks mean fewer messages for the server to
   * store and acknowledge; NATS client caps this at the server's max_payload.
   */
  chunkBytes: number;
}

export const objectStores = {
  media: {
    bucket: 'talkrec_media',
    maxBytes: -1,
    // Measured on a 78 MB file against a local nats-server 2.9: put 3.0–3.6 s at 1 MiB against 4.2–5.5 s at
    // the client's default 128 KiB; reads about 10% faster. Just under 1 MiB leaves room for a server
    // whose max_payload is exactly 1 MiB.
    chunkBytes: 1024 * 1024 - 4096,
    description: 'Captured segments, encoded parts, final files and sidecars',
  },
} as const satisfies Record<string, ObjectStoreDef>;

/** Object names in the media bucket. Zero-padded indices keep listings in order. */
export const mediaObjects = {
  prefix: (recordingId: string) => `${recordingId}/`,
  captured: (recordingId: string, index: number, container: string) =>
    `${recordingId}/capture/${String(index).padStart(6, '0')}.${container}`,
  capturedPrefix: (recordingId: string) => `${recordingId}/capture/`,
  encoded: (recordingId: string, index: number, ext: string) =>
    `${recordingId}/encoded/${String(index).padStart(6, '0')}.${ext}`,
  final: (recordingId: string, ext: string) => `${recordingId}/final/recording.${ext}`,
  poster: (recordingId: string) => `${recordingId}/final/poster.jpg`,
  speakingTimes: (recordingId: string) => `${recordingId}/meta/speaking-times.json`,
} as const;

/** Leader lease keys in the leases bucket. */
export const leaseKeys = {
  controller: 'controller',
  /** Held by the capture instance recording it: never two instances on one recording. */
  capture: (recordingId: string) => `capture.${recordingId}`,
} as const;
