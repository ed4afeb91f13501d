import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A service's Prometheus registry with the counters the platform itself maintains. */
export class ServiceMetrics {
  readonly registry = new Registry();
  /** Jobs handled, by consumer and outcome (done, skipped, retry, failed, invalid). */
  readonly jobs: Counter<'consumer' | 'outcome'>;
  readonly jobSeconds: Histogram<'consumer'>;
  readonly inFlight: Gauge<'consumer'>;
  /** Messages kept in the dead-letter stream, by consumer. */
  readonly deadLetters: Counter<'consumer'>;
  /** Requests or messages refused (forged signature, bad body, unknown room, …), by source and reason. */
  readonly rejected: Counter<'source' | 'reason'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'talkrec_' });
    const registers = [this.registry];
    this.jobs = new Counter({
      name: 'talkrec_jobs_total',
      help: 'Jobs handled by outcome',
      labelNames: ['consumer', 'outcome'],
      registers,
    });
    this.jobSeconds = new Histogram({
      name: 'talkrec_job_duration_seconds',
      help: 'Handler time per job',
      labelNames: ['consumer'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'talkrec_jobs_in_flight',
      help: 'Jobs being handled now',
      labelNames: ['consumer'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'talkrec_dead_letters_total',
      help: 'Invalid messages moved to the dead-letter stream',
      labelNames: ['consumer'],
      registers,
    });
    this.rejected = new Counter({
      name: 'talkrec_rejected_total',
      help: 'Refused requests and messages',
      labelNames: ['source', 'reason'],
      registers,
    });
  }
}
