import { Counter, Histogram } from 'prom-client';
import { inject, injectable } from 'tsyringe';
import { TOKENS, type ServiceMetrics } from '@talkrec/platform';

/** The uploader's own Prometheus series, in the service's registry. */
@injectable()
export class UploaderMetrics {
  /** Bytes the destinations confirmed, by target. */
  readonly bytes: Counter<'target'>;
  /** Upload attempts by target and result (done, retry, failed). */
  readonly attempts: Counter<'target' | 'result'>;
  /** Failed attempts by target, whose fault (destination/ours) and code. */
  readonly failures: Counter<'target' | 'side' | 'code'>;
  /** 507 answers: a destination out of space, which needs an admin. */
  readonly storageFull: Counter<'target'>;
  /** Job received → file confirmed, for delivered uploads. */
  readonly seconds: Histogram<'target'>;

  constructor(@inject(TOKENS.Metrics) metrics: ServiceMetrics) {
    const registers = [metrics.registry];
    this.bytes = new Counter({
      name: 'talkrec_upload_bytes_total',
      help: 'Bytes confirmed by upload destinations',
      labelNames: ['target'],
      registers,
    });
    this.attempts = new Counter({
      name: 'talkrec_upload_attempts_total',
      help: 'Upload attempts by result',
      labelNames: ['target', 'result'],
      registers,
    });
    this.failures = new Counter({
      name: 'talkrec_upload_failures_total',
      help: 'Failed upload attempts by side and code',
      labelNames: ['target', 'side', 'code'],
      registers,
    });
    this.storageFull = new Counter({
      name: 'talkrec_upload_storage_full_total',
      help: 'Destinations that answered 507 Insufficient Storage',
      labelNames: ['target'],
      registers,
    });
    this.seconds = new Histogram({
      name: 'talkrec_upload_seconds',
      help: 'Upload job received to file confirmed',
      labelNames: ['target'],
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 7200],
      registers,
    });
  }
}
