import type { JetStreamClient, JsMsg } from 'nats';
import {
  decode,
  type ConsumerDef,
  type MessageContract,
  type PayloadOf,
  type Stage,
} from '@talkrec/contracts';
import type { Logger } from '../logger.js';
import type { ServiceMetrics } from '../ops/metrics.js';
import { errorMessage } from '../errors.js';
import { backoffDelay, type Outcome } from './outcome.js';
import type { Publisher } from './publisher.js';

export interface JobContext {
  subject: string;
  /** 1 on the first delivery. */
  attempt: number;
  /** True when JetStream will not deliver this message again after this attempt. */
  lastAttempt: boolean;
  /** When the job was first published (ms since epoch). */
  publishedAt: number;
  log: Logger;
  /** Aborted when the service stops without draining (SIGINT) or a drain times out. */
  signal: AbortSignal;
  /** Extends the ack deadline: "still working on it". */
  working(): void;
}

export type JobHandler<C extends MessageContract> = (
  payload: PayloadOf<C>,
  ctx: JobContext,
) => Promise<Outcome>;

export interface JobRoute<C extends MessageContract = MessageContract> {
  /** Exact subject, or a prefix ending in `.` (the recording id follows). */
  subject: string;
  contract: C;
  handler: JobHandler<C>;
}

/** A route with the handler's payload type tied to its contract. */
export function route<C extends MessageContract>(
  subject: string,
  contract: C,
  handler: JobHandler<C>,
): JobRoute {
  return { subject, contract, handler: handler };
}

export interface ConsumeLoopOptions {
  js: JetStreamClient;
  consumer: ConsumerDef;
  routes: JobRoute[];
  /** Jobs handled at once by this instance; a job is pulled only when a slot is free. */
  concurrency: number;
  /** Stage named in `failed` events; without it, failures are only logged and counted. */
  stage?: Stage;
  publisher: Publisher;
  log: Logger;
  metrics: ServiceMetrics;
  /** Send in-progress acks on a timer while a handler runs (default). Capture sends its own. */
  autoWorking?: boolean;
  /** Admission control: no job is pulled while this says no (e.g. the disk is nearly full). */
  canAccept?: () => boolean;
  /** Backoff for handler exceptions when the consumer has none configured. */
  errorBackoff?: { baseMs: number; maxMs: number };
}

const PULL_EXPIRES_MS = 10_000;
const ADMISSION_RECHECK_MS = 2_000;

/**
 * Pulls jobs one at a time while a slot is free, validates them against their contract, runs the
 * handler and maps its outcome: done/skipped → ack; retry → nak(delay), or failed on the last delivery;
 * failed → `failed` event + term. Invalid payloads go to the dead-letter stream and are terminated.
 */
export class ConsumeLoop {
  private stopping = false;
  private readonly abort = new AbortController();
  private readonly active = new Set<Promise<void>>();
  private wakeUp: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly opts: Required<Pick<ConsumeLoopOptions, 'autoWorking' | 'errorBackoff'>> &
    ConsumeLoopOptions;

  constructor(options: ConsumeLoopOptions) {
    this.opts = { autoWorking: true, errorBackoff: { baseMs: 2_000, maxMs: 300_000 }, ...options };
  }

  get inFlight(): number {
    return this.active.size;
  }

  get running(): boolean {
    return this.loop !== undefined && !this.stopping;
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.pullLoop().catch((err: unknown) => {
      this.opts.log.error({ err, consumer: this.opts.consumer.durable }, 'consume loop crashed');
    });
  }

  /** Wakes a loop waiting for a free slot or for admission (e.g. capacity changed). */
  wake(): void {
    this.wakeUp?.();
  }

  /**
   * drain: take no new jobs and wait for the running ones (up to `timeoutMs`, then abort them);
   * stop: abort the running ones now (handlers give their job back).
   */
  async stop(mode: 'drain' | 'stop', timeoutMs = 30_000): Promise<void> {
    this.stopping = true;
    this.wake();
    if (mode === 'stop') this.abort.abort(new Error('service stopping'));
    const all = Promise.allSettled([...this.active]);
    if (mode === 'drain') {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
      const result = await Promise.race([all.then(() => 'ok' as const), timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        this.opts.log.warn(
          { consumer: this.opts.consumer.durable, inFlight: this.active.size },
          'drain timed out',
        );
        this.abort.abort(new Error('drain timed out'));
      }
    }
    await Promise.allSettled([...this.active]);
  }

  private async waitForSlot(): Promise<void> {
    const { concurrency, canAccept } = this.opts;
    while (!this.stopping && (this.active.size >= concurrency || (canAccept && !canAccept()))) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ADMISSION_RECHECK_MS);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async pullLoop(): Promise<void> {
    const { js, consumer: def, log } = this.opts;
    const consumer = await js.consumers.get(def.stream, def.durable);
    let failures = 0;
    while (!this.stopping) {
      await this.waitForSlot();
      if (this.stopping) break;
      let m: JsMsg | null;
      try {
        m = await consumer.next({ expires: PULL_EXPIRES_MS });
        failures = 0;
      } catch (err) {
        if (this.stopping) break;
        failures++;
        log.warn({ err, consumer: def.durable }, 'pull failed');
        await new Promise((r) => setTimeout(r, backoffDelay(failures, 250, 5_000)));
        continue;
      }
      if (!m) continue;
      if (this.stopping) {
        m.nak();
        break;
      }
      const task = this.handle(m).finally(() => {
        this.active.delete(task);
        this.opts.metrics.inFlight.dec({ consumer: def.durable });
        this.wake();
      });
      this.active.add(task);
      this.opts.metrics.inFlight.inc({ consumer: def.durable });
    }
  }

  private async handle(m: JsMsg): Promise<void> {
    const { consumer: def, metrics, log, publisher } = this.opts;
    const started = performance.now();
    const attempt = m.info.redeliveryCount;
    const routeFor = this.opts.routes.find(
      (r) => m.subject === r.subject || (r.subject.endsWith('.') && m.subject.startsWith(r.subject)),
    );
    const decoded = routeFor
      ? decode(routeFor.contract, m.data)
      : ({ ok: false, error: new Error(`no handler for subject ${m.subject}`) } as const);
    if (!decoded.ok || !routeFor) {
      const error = decoded.ok ? 'no route' : decoded.error.message;
      try {
        await publisher.deadLetter({
          subject: m.subject,
          data: m.data,
          error,
          stream: def.stream,
          seq: m.seq,
        });
        metrics.deadLetters.inc({ consumer: def.durable });
        metrics.jobs.inc({ consumer: def.durable, outcome: 'invalid' });
        log.warn({ subject: m.subject, seq: m.seq, error }, 'invalid message dead-lettered');
        m.term();
      } catch (err) {
        log.error({ err, subject: m.subject }, 'dead-letter publish failed; will retry');
        m.nak(5_000);
      }
      return;
    }
    const payload = decoded.value as { recordingId?: string };
    const jobLog = log.child({
      subject: m.subject,
      attempt,
      ...(typeof payload.recordingId === 'string' ? { recordingId: payload.recordingId } : {}),
    });
    const ctx: JobContext = {
      subject: m.subject,
      attempt,
      lastAttempt: def.maxDeliver > 0 && attempt >= def.maxDeliver,
      publishedAt: Math.floor(m.info.timestampNanos / 1e6),
      log: jobLog,
      signal: this.abort.signal,
      working: () => m.working(),
    };
    const heartbeat = this.opts.autoWorking
      ? setInterval(() => m.working(), Math.max(1_000, def.ackWaitMs / 3))
      : undefined;
    let outcome: Outcome;
    try {
      outcome = await routeFor.handler(decoded.value, ctx);
    } catch (err) {
      jobLog.error({ err }, 'handler threw');
      const backoff =
        'backoffMs' in def && def.backoffMs
          ? def.backoffMs[Math.min(attempt - 1, def.backoffMs.length - 1)]!
          : undefined;
      outcome = {
        type: 'retry',
        delayMs:
          backoff ?? backoffDelay(attempt, this.opts.errorBackoff.baseMs, this.opts.errorBackoff.maxMs),
        reason: errorMessage(err),
      };
    } finally {
      clearInterval(heartbeat);
    }
    if (outcome.type === 'retry' && ctx.lastAttempt) {
      outcome = {
        type: 'failed',
        code: 'retries_exhausted',
        reason: `gave up after ${attempt} attempts: ${outcome.reason}`,
      };
    }
    metrics.jobSeconds.observe({ consumer: def.durable }, (performance.now() - started) / 1000);
    metrics.jobs.inc({ consumer: def.durable, outcome: outcome.type });
    switch (outcome.type) {
      case 'done':
      case 'skipped':
        if (outcome.type === 'skipped') jobLog.info({ reason: outcome.reason }, 'job skipped');
        m.ack();
        return;
      case 'retry':
        jobLog.warn({ reason: outcome.reason, delayMs: outcome.delayMs }, 'job will be retried');
        m.nak(outcome.delayMs);
        return;
      case 'failed':
        jobLog.error({ code: outcome.code, reason: outcome.reason }, 'job failed');
        try {
          if (this.opts.stage && typeof payload.recordingId === 'string') {
            await publisher.stageFailed({
              stage: this.opts.stage,
              recordingId: payload.recordingId,
              code: outcome.code,
              reason: outcome.reason,
              subject: m.subject,
              attempt,
            });
          }
          m.term();
        } catch (err) {
          // Without the failed event nobody would learn of the failure: keep the job instead.
          jobLog.error({ err }, 'failed event not published; job kept for retry');
          m.nak(5_000);
        }
        return;
    }
  }
}

export type { PayloadOf };
