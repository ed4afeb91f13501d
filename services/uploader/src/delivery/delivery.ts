import type { UploadJob, UploadTarget } from '@talkrec/contracts';
import type { Logger } from '@talkrec/platform';
import type { DeliveredResult, UploadRecord } from '../core/upload-record.js';
import type { LocalFile } from '../adapters/fs/work-files.js';

/** One attempt at delivering a job, with its persisted progress. */
export interface DeliveryContext {
  job: UploadJob;
  /** Progress so far (from `kv.uploads`); deliveries change it and `save()` after each step. */
  record: UploadRecord;
  save(): Promise<void>;
  /** The job's file on local disk, fetched on first use. */
  file(): Promise<LocalFile>;
  /** Reports bytes the destination has confirmed. */
  progress(sentBytes: number): void;
  signal: AbortSignal;
  log: Logger;
  /** When this attempt started (ms since epoch). */
  startedAt: number;
  now(): number;
}

export type TargetOf<K extends UploadTarget['kind']> = Extract<UploadTarget, { kind: K }>;

export interface Delivery<K extends UploadTarget['kind']> {
  deliver(dc: DeliveryContext, target: TargetOf<K>): Promise<DeliveredResult>;
}
