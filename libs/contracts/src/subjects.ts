import { RecordingRequested, RecordingTransitioned } from './events/recording.js';
import {
  CaptureFinished,
  CaptureHeartbeat,
  CaptureParticipants,
  CaptureStarted,
  SegmentCaptured,
} from './events/capture.js';
import { RecordingEncoded, SegmentEncoded } from './events/encode.js';
import { RecordingUploaded, UploadProgress } from './events/upload.js';
import { StageFailed } from './events/failure.js';
import { AnnouncementResult } from './events/announce.js';
import { CaptureJob } from './jobs/capture.js';
import { AssembleJob, EncodeSegmentJob } from './jobs/encode.js';
import { UploadJob } from './jobs/upload.js';
import { TalkAnnounceJob, TalkCallbackJob } from './jobs/talk.js';
import {
  PurgeMediaCommand,
  RetryRecordingCommand,
  StartRecordingCommand,
  StopRecordingCommand,
} from './commands/recording.js';
import type { MessageContract } from './message.js';
import type { Stage } from './common.js';

/**
 * Every talkrec subject is built here and nowhere else.
 *
 *   talkrec.evt.<domain>.<name>.v<N>.<recordingId>   lifecycle events (stream TALKREC_EVENTS: the audit log)
 *   talkrec.job.<domain>.<name>.v<N>.<recordingId>   work for capture / encoder / uploader (work queues)
 *   talkrec.cmd.<domain>.<name>.v<N>                 commands to the controller (work queue)
 *   talkrec.live.<domain>.<name>.v<N>.<recordingId>  heartbeats and progress (core NATS, not stored)
 *   talkrec.dlq.v1.<service>                         dead letters (stream TALKREC_DLQ)
 *
 * Every event and job subject has exactly six tokens, so `talkrec.evt.*.*.*.<id>` selects one recording.
 */
const ROOT = 'talkrec';

const versioned = (kind: string, c: MessageContract) => `${ROOT}.${kind}.${c.name}.v${c.version}`;

/** Event contracts published on the events stream, by `<name>.v<version>`. */
export const EVENT_CONTRACTS = [
  RecordingRequested,
  RecordingTransitioned,
  CaptureStarted,
  SegmentCaptured,
  CaptureParticipants,
  CaptureFinished,
  SegmentEncoded,
  RecordingEncoded,
  RecordingUploaded,
  AnnouncementResult,
] as const;

export const subjects = {
  /** Subject of a lifecycle event of one recording. */
  event: (contract: MessageContract, recordingId: string) => `${versioned('evt', contract)}.${recordingId}`,
  /** A stage's failure report for one recording (`talkrec.evt.<stage>.failed.v1.<id>`). */
  stageFailed: (stage: Stage, recordingId: string) =>
    `${ROOT}.evt.${stage}.failed.v${StageFailed.version}.${recordingId}`,
  /** Everything on the events stream. */
  allEvents: `${ROOT}.evt.>`,
  /** Every event of one recording. */
  eventsOf: (recordingId: string) => `${ROOT}.evt.*.*.*.${recordingId}`,

  /** Prefix of a job contract's subjects (`talkrec.job.<name>.v<N>.`); the recording id follows. */
  jobPrefix: (contract: MessageContract) => `${versioned('job', contract)}.`,
  captureJob: (recordingId: string) => `${versioned('job', CaptureJob)}.${recordingId}`,
  encodeSegmentJob: (recordingId: string) => `${versioned('job', EncodeSegmentJob)}.${recordingId}`,
  assembleJob: (recordingId: string) => `${versioned('job', AssembleJob)}.${recordingId}`,
  uploadJob: (recordingId: string) => `${versioned('job', UploadJob)}.${recordingId}`,
  /** A callback to Talk about one recording (consumed by the controller). */
  talkCallbackJob: (recordingId: string) => `${versioned('job', TalkCallbackJob)}.${recordingId}`,
  /** A notice to post into a recording's conversation (consumed by the controller). */
  talkAnnounceJob: (recordingId: string) => `${versioned('job', TalkAnnounceJob)}.${recordingId}`,
  allCaptureJobs: `${ROOT}.job.capture.>`,
  allEncodeJobs: `${ROOT}.job.encode.>`,
  allUploadJobs: `${ROOT}.job.upload.>`,
  allTalkJobs: `${ROOT}.job.talk.>`,

  startCommand: versioned('cmd', StartRecordingCommand),
  stopCommand: versioned('cmd', StopRecordingCommand),
  retryCommand: versioned('cmd', RetryRecordingCommand),
  purgeCommand: versioned('cmd', PurgeMediaCommand),
  allCommands: `${ROOT}.cmd.>`,

  captureHeartbeat: (recordingId: string) => `${versioned('live', CaptureHeartbeat)}.${recordingId}`,
  uploadProgress: (recordingId: string) => `${versioned('live', UploadProgress)}.${recordingId}`,
  allLive: `${ROOT}.live.>`,

  /** Every talkrec subject (taps in tests and tools). */
  all: `${ROOT}.>`,

  deadLetter: (service: string) => `${ROOT}.dlq.v1.${service}`,
  allDeadLetters: `${ROOT}.dlq.>`,
} as const;

export interface ParsedEventSubject {
  /** `<domain>.<name>` as in the contract, e.g. `capture.segment`, or `<stage>.failed`. */
  name: string;
  version: number;
  recordingId: string;
}

/** Splits `talkrec.evt.<domain>.<name>.v<N>.<id>`; undefined for anything else. */
export function parseEventSubject(subject: string): ParsedEventSubject | undefined {
  const t = subject.split('.');
  if (t.length !== 6 || t[0] !== ROOT || t[1] !== 'evt') return undefined;
  const version = /^v(\d+)$/.exec(t[4] ?? '');
  if (!version) return undefined;
  return { name: `${t[2]}.${t[3]}`, version: Number(version[1]), recordingId: t[5]! };
}

const eventsByKey = new Map<string, MessageContract>(
  EVENT_CONTRACTS.map((c) => [`${c.name}.v${c.version}`, c]),
);

/** The contract that validates an event subject's payload. */
export function contractForEventSubject(subject: string): MessageContract | undefined {
  const parsed = parseEventSubject(subject);
  if (!parsed) return undefined;
  if (parsed.name.endsWith('.failed') && parsed.version === StageFailed.version) return StageFailed;
  return eventsByKey.get(`${parsed.name}.v${parsed.version}`);
}
