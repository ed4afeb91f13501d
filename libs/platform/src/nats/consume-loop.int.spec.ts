import { Writable } from 'node:stream';
import { AckPolicy, connect, type JetStreamClient, type NatsConnection } from 'nats';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DeadLetter,
  EncodeSegmentJob,
  StageFailed,
  consumers,
  decode,
  streams,
  subjects,
  type ConsumerDef,
} from '@talkrec/contracts';
import { NatsServer, NatsTap } from '@talkrec/testing';
import { createLogger } from '../logger.js';
import { ServiceMetrics } from '../ops/metrics.js';
import { ConsumeLoop, route, type JobContext } from './consume-loop.js';
import { done, failed, retryLater, type Outcome } from './outcome.js';
import { Publisher } from './publisher.js';
import { ensureConsumer, ensureStream } from './topology.js';
import { newRecordingId } from '../ids.js';

const quietLog = createLogger({
  service: 'test',
  instanceId: 't',
  level: 'warn',
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

const job = (recordingId: string, index = 0) => ({
  v: 1 as const,
  recordingId,
  at: new Date().toISOString(),
  segment: {
    index,
    object: `${recordingId}/capture/000000.mkv`,
    container: 'mkv' as const,
    startMs: 0,
    durationMs: 10_000,
    sha256: 'a'.repeat(64),
    hasVideo: true,
    hasAudio: true,
    gapBeforeMs: 0,
  },
  output: {
    kind: 'video' as const,
    container: 'mp4' as const,
    crf: 25,
    preset: 'veryfast' as const,
    audioBitrateKbps: 128,
  },
  video: { width: 1280, height: 720, fps: 30 },
});

describe('ConsumeLoop against a real nats-server', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let publisher: Publisher;
  let tap: NatsTap;
  const metrics = new ServiceMetrics('test');
  const consumer: ConsumerDef = {
    ...consumers.encodeWorkers,
    ackWaitMs: 2_000,
    maxDeliver: 3,
    backoffMs: [200, 200],
  };

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
    js = nc.jetstream();
    const jsm = await nc.jetstreamManager();
    for (const s of [streams.encodeJobs, streams.events, streams.deadLetters]) await ensureStream(jsm, s);
    await ensureConsumer(jsm, consumer);
    // Idempotent: a second start with the same definitions changes nothing.
    await ensureStream(jsm, streams.encodeJobs);
    await ensureConsumer(jsm, consumer);
    publisher = new Publisher(nc, js, 'encoder');
    tap = await NatsTap.start(server.url, subjects.all);
  });

  afterAll(async () => {
    await tap?.stop();
    await nc?.close();
    await server?.stop();
  });

  const loops: ConsumeLoop[] = [];
  afterEach(async () => {
    for (const loop of loops.splice(0)) await loop.stop('stop');
  });
  // Each test starts from an empty queue and a fresh consumer, so a stopped loop's pending pull
  // cannot swallow the next test's job.
  beforeEach(async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.consumers.delete(consumer.stream, consumer.durable).catch(() => undefined);
    await jsm.streams.purge(consumer.stream);
    await ensureConsumer(jsm, consumer);
  });

  function loopWith(handler: (p: ReturnType<typeof job>, ctx: JobContext) => Promise<Outcome>) {
    const loop = new ConsumeLoop({
      js,
      consumer,
      routes: [
        route(subjects.jobPrefix(EncodeSegmentJob), EncodeSegmentJob, (p, ctx) =>
          handler(p as ReturnType<typeof job>, ctx),
        ),
      ],
      concurrency: 2,
      stage: 'encode',
      publisher,
      log: quietLog,
      metrics,
    });
    loop.start();
    loops.push(loop);
    return loop;
  }

  function deferred<T>() {
    let resolve!: (v: T) => void;
    const promise = new Promise<T>((r) => (resolve = r));
    return { promise, resolve };
  }

  it('acknowledges a job its handler completes', async () => {
    const rid = newRecordingId();
    const handled = deferred<string>();
    loopWith(async (p) => {
      handled.resolve(p.recordingId);
      return done();
    });
    await publisher.job(EncodeSegmentJob, subjects.encodeSegmentJob(rid), job(rid));
    expect(await handled.promise).toBe(rid);
    await loops[0]!.stop('drain');
    const info = await (await nc.jetstreamManager()).consumers.info(consumer.stream, consumer.durable);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });

  it('retries a job that asks for it, then reports failed when deliveries run out', async () => {
    const rid = newRecordingId();
    const attempts: number[] = [];
    loopWith(async (p, ctx) => {
      if (p.recordingId === rid) attempts.push(ctx.attempt);
      return retryLater(100, 'not yet');
    });
    await publisher.job(EncodeSegmentJob, subjects.encodeSegmentJob(rid), job(rid));
    const failedMsg = await tap.waitFor((m) => m.subject === subjects.stageFailed('encode', rid));
    expect(attempts).toEqual([1, 2, 3]);
    const event = decode(StageFailed, failedMsg.data);
    expect(event.ok && event.value).toMatchObject({ stage: 'encode', code: 'retries_exhausted', attempt: 3 });
  });

  it('turns a failed outcome into a failed event and terminates the job', async () => {
    const rid = newRecordingId();
    loopWith(async () => failed('ffmpeg_failed', 'segment 0: Invalid data found'));
    await publisher.job(EncodeSegmentJob, subjects.encodeSegmentJob(rid), job(rid));
    const msg = await tap.waitFor((m) => m.subject === subjects.stageFailed('encode', rid));
    const event = decode(StageFailed, msg.data);
    expect(event.ok && event.value).toMatchObject({
      code: 'ffmpeg_failed',
      reason: 'segment 0: Invalid data found',
      attempt: 1,
    });
  });

  it('dead-letters an invalid payload with the validation error and keeps running', async () => {
    const rid = newRecordingId();
    const handled = deferred<string>();
    loopWith(async (p) => {
      handled.resolve(p.recordingId);
      return done();
    });
    await js.publish(
      subjects.encodeSegmentJob(rid),
      new TextEncoder().encode('{"v":1,"recordingId":"nope"}'),
    );
    const letter = await tap.waitFor((m) => m.subject === subjects.deadLetter('encoder'));
    const parsed = decode(DeadLetter, letter.data);
    expect(parsed.ok && parsed.value.error).toMatch(/recordingId/);
    expect(parsed.ok && parsed.value.payload).toBe('{"v":1,"recordingId":"nope"}');
    await publisher.job(EncodeSegmentJob, subjects.encodeSegmentJob(rid), job(rid));
    expect(await handled.promise).toBe(rid);
    expect((await metrics.deadLetters.get()).values[0]?.value).toBe(1);
    // Terminated for good: never redelivered (nats-server 2.9 ignores a term that carries a reason).
    const info = await (await nc.jetstreamManager()).consumers.info(consumer.stream, consumer.durable);
    expect(info.num_redelivered).toBe(0);
  });

  it('retries a handler that throws, with the consumer backoff', async () => {
    const rid = newRecordingId();
    const attempts: number[] = [];
    const second = deferred<void>();
    loopWith(async (_p, ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt === 1) throw new Error('boom');
      second.resolve();
      return done();
    });
    await publisher.job(EncodeSegmentJob, subjects.encodeSegmentJob(rid), job(rid));
    await second.promise;
    expect(attempts).toEqual([1, 2]);
  });

  it('keeps a job that runs longer than its first retry delay to itself (no server backoff)', async () => {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.consumers.info(consumer.stream, consumer.durable);
    // nats-server would shorten ack_wait to the first backoff delay (200 ms here).
    expect(info.config.ack_wait).toBe(consumer.ackWaitMs * 1_000_000);
    expect(info.config.backoff ?? []).toEqual([]);
    const rid = newRecordingId();
    const attempts: number[] = [];
    const finished = deferred<void>();
    loopWith(async (_p, ctx) => {
      attempts.push(ctx.attempt);
      // Longer than the 200 ms retry delay, well within the 2 s ack wait.
      await new Promise((r) => setTimeout(r, 800));
      finished.resolve();
      return done();
    });
    await publisher.job(EncodeSegmentJob, subjects.encodeSegmentJob(rid), job(rid));
    await finished.promise;
    await loops[0]!.stop('drain');
    expect(attempts).toEqual([1]);
  });

  it('resets a consumer an older version made with a server backoff', async () => {
    const jsm = await nc.jetstreamManager();
    // On the events stream: a work queue allows one consumer per filter.
    const old = {
      ...consumer,
      stream: streams.events.name,
      filterSubject: subjects.allEvents,
      durable: 'old-style',
    };
    await jsm.consumers.add(old.stream, {
      durable_name: old.durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: old.filterSubject,
      ack_wait: 2_000 * 1_000_000,
      max_deliver: old.maxDeliver,
      backoff: [200 * 1_000_000, 200 * 1_000_000],
    });
    await ensureConsumer(jsm, old);
    const info = await jsm.consumers.info(old.stream, old.durable);
    expect(info.config.backoff ?? []).toEqual([]);
    expect(info.config.ack_wait).toBe(2_000 * 1_000_000);
    await jsm.consumers.delete(old.stream, old.durable);
  });

  it('stop aborts a running job and hands it back; drain lets it finish', async () => {
    const rid = newRecordingId();
    const running = deferred<void>();
    const loop = loopWith(
      (_p, ctx) =>
        new Promise<Outcome>((resolve) => {
          running.resolve();
          ctx.signal.addEventListener('abort', () => resolve(retryLater(0, 'stopping')));
        }),
    );
    await publisher.job(EncodeSegmentJob, subjects.encodeSegmentJob(rid), job(rid));
    await running.promise;
    await loop.stop('stop');
    expect(loop.inFlight).toBe(0);

    // The job was handed back: a draining loop picks it up and finishes it before stopping.
    const finished = deferred<number>();
    const second = loopWith(async (_p, ctx) => {
      finished.resolve(ctx.attempt);
      return done();
    });
    expect(await finished.promise).toBe(2);
    await second.stop('drain');
    expect(second.inFlight).toBe(0);
  });
});
