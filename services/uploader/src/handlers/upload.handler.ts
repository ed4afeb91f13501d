import { inject, injectable } from 'tsyringe';
import { RecordingUploaded, UploadProgress, subjects, type UploadJob } from '@talkrec/contracts';
import {
  TOKENS,
  done,
  retryLater,
  type Clock,
  type JobContext,
  type Logger,
  type Outcome,
  type Publisher,
} from '@talkrec/platform';
import type { UploaderConfig } from '../config.js';
import { classifyFailure } from '../core/classify.js';
import { decideRetry } from '../core/retry-policy.js';
import { recordFor, type DeliveredResult, type UploadRecord } from '../core/upload-record.js';
import { UploadRecords } from '../adapters/nats/upload-records.js';
import { WorkFiles, type LocalFile } from '../adapters/fs/work-files.js';
import type { DeliveryContext } from '../delivery/delivery.js';
import { LocalDelivery } from '../delivery/local-delivery.js';
import { TalkDelivery } from '../delivery/talk-delivery.js';
import { WebdavDelivery } from '../delivery/webdav-delivery.js';
import { UploaderMetrics } from '../metrics.js';

/**
 * One upload job: resume its recorded progress, deliver to the chosen target, record and announce
 * the confirmation (`upload.done`), or turn the failure into a retry with backoff or a `failed`
 * outcome. A job whose delivery is already recorded is only announced again (redelivery). Media in
 * the object store is never deleted here: the controller does that after the confirmation.
 */
@injectable()
export class UploadHandler {
  constructor(
    @inject(TOKENS.Config) private readonly config: UploaderConfig,
    @inject(TOKENS.Publisher) private readonly publisher: Publisher,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(UploadRecords) private readonly records: UploadRecords,
    @inject(WorkFiles) private readonly work: WorkFiles,
    @inject(UploaderMetrics) private readonly metrics: UploaderMetrics,
    @inject(TalkDelivery) private readonly talk: TalkDelivery,
    @inject(WebdavDelivery) private readonly webdav: WebdavDelivery,
    @inject(LocalDelivery) private readonly local: LocalDelivery,
  ) {}

  readonly handle = async (job: UploadJob, ctx: JobContext): Promise<Outcome> => {
    const log = ctx.log.child({ target: job.target.kind });
    try {
      return await this.attempt(job, ctx, log);
    } catch (err) {
      return this.failedAttempt(job, ctx, log, err);
    } finally {
      await this.work
        .cleanup(job.recordingId)
        .catch((err: unknown) => log.warn({ err }, 'work files not removed'));
    }
  };

  private async attempt(job: UploadJob, ctx: JobContext, log: Logger): Promise<Outcome> {
    const startedAt = this.clock.now();
    const target = job.target.kind;
    const record = recordFor(job, await this.records.get(job.recordingId), startedAt);
    if (record.state === 'done' && record.result) {
      log.info({ location: record.result.location }, 'upload already confirmed, announcing it again');
      await this.announce(job, record.result);
      return done();
    }
    const resumed = record.talk !== undefined || record.webdav !== undefined || record.chunked !== undefined;
    log.info({ bytes: job.bytes, resumed, attempt: ctx.attempt }, 'upload started');
    let fetched: Promise<LocalFile> | undefined;
    const dc: DeliveryContext = {
      job,
      record,
      save: () => this.save(record),
      file: () => (fetched ??= this.work.fetch(job)),
      progress: (sentBytes) =>
        this.publisher.live(UploadProgress, subjects.uploadProgress(job.recordingId), {
          v: 1,
          recordingId: job.recordingId,
          at: new Date(this.clock.now()).toISOString(),
          sentBytes,
          totalBytes: job.bytes,
        }),
      signal: ctx.signal,
      log,
      startedAt,
      now: () => this.clock.now(),
    };
    const result = await this.deliver(dc);
    // Recorded before announced: a redelivery after a lost announcement only announces again.
    record.state = 'done';
    record.result = result;
    record.chunked = undefined;
    await this.save(record);
    await this.announce(job, result);
    this.metrics.bytes.inc({ target }, job.bytes);
    this.metrics.attempts.inc({ target, result: 'done' });
    this.metrics.seconds.observe({ target }, (this.clock.now() - ctx.publishedAt) / 1000);
    log.info({ location: result.location, sharedToRoom: result.sharedToRoom }, 'upload confirmed');
    return done();
  }

  private deliver(dc: DeliveryContext): Promise<DeliveredResult> {
    const { target } = dc.job;
    switch (target.kind) {
      case 'talk':
        return this.talk.deliver(dc, target);
      case 'webdav':
        return this.webdav.deliver(dc, target);
      case 'local':
        return this.local.deliver(dc, target);
    }
  }

  private async save(record: UploadRecord): Promise<void> {
    record.updatedAt = new Date(this.clock.now()).toISOString();
    await this.records.put(record);
  }

  private announce(job: UploadJob, result: DeliveredResult): Promise<void> {
    return this.publisher.event(
      RecordingUploaded,
      {
        v: 1,
        recordingId: job.recordingId,
        at: new Date(this.clock.now()).toISOString(),
        target: job.target.kind,
        location: result.location,
        ...(result.url ? { url: result.url } : {}),
        bytes: job.bytes,
        sharedToRoom: result.sharedToRoom,
      },
      `upload-done-${job.recordingId}`,
    );
  }

  private failedAttempt(job: UploadJob, ctx: JobContext, log: Logger, err: unknown): Outcome {
    const target = job.target.kind;
    if (ctx.signal.aborted) {
      log.info('upload interrupted by shutdown, handing the job back');
      return retryLater(0, 'uploader stopping');
    }
    const failure = classifyFailure(err);
    this.metrics.failures.inc({ target, side: failure.side, code: failure.code });
    if (failure.storageFull) {
      this.metrics.storageFull.inc({ target });
      log.error(
        { reason: failure.reason },
        'destination storage full: an admin must free space, retrying meanwhile',
      );
    }
    const outcome = decideRetry(
      failure,
      { attempt: ctx.attempt, publishedAt: ctx.publishedAt, now: this.clock.now() },
      {
        windowMs: this.config.UPLOAD_RETRY_HOURS * 3_600_000,
        baseMs: this.config.UPLOAD_BACKOFF_BASE_S * 1000,
        maxMs: this.config.UPLOAD_BACKOFF_MAX_S * 1000,
      },
    );
    this.metrics.attempts.inc({ target, result: outcome.type === 'retry' ? 'retry' : 'failed' });
    const fields = { err, code: failure.code, side: failure.side, retryable: failure.retryable };
    if (outcome.type === 'retry') {
      log.warn({ ...fields, delayMs: outcome.delayMs }, 'upload attempt failed, will retry');
    } else log.error(fields, 'upload failed');
    return outcome;
  }
}
