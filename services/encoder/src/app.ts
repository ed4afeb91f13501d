import { AssembleJob, EncodeSegmentJob, consumers, subjects } from '@talkrec/contracts';
import { ConsumeLoop, route, type ServiceRuntime } from '@talkrec/platform';
import type { EncoderConfig } from './config.js';
import { AssembleHandler } from './handlers/assemble.handler.js';
import { EncodeSegmentHandler } from './handlers/encode-segment.handler.js';

/**
 * Starts consuming encode jobs on a started runtime: segment transcodes and final assemblies share the
 * work queue and the ENCODE_CONCURRENCY slots. The handlers and their adapters come from the runtime's
 * container (tsyringe resolves the classes; the runtime registered config, publisher, media store).
 */
export function startEncoder(runtime: ServiceRuntime, config: EncoderConfig): ConsumeLoop {
  const encode = runtime.container.resolve(EncodeSegmentHandler);
  const assemble = runtime.container.resolve(AssembleHandler);
  const loop = new ConsumeLoop({
    js: runtime.js,
    consumer: consumers.encodeWorkers,
    routes: [
      route(subjects.jobPrefix(EncodeSegmentJob), EncodeSegmentJob, (job, ctx) => encode.handle(job, ctx)),
      route(subjects.jobPrefix(AssembleJob), AssembleJob, (job, ctx) => assemble.handle(job, ctx)),
    ],
    concurrency: config.ENCODE_CONCURRENCY,
    stage: 'encode',
    publisher: runtime.publisher,
    log: runtime.log,
    metrics: runtime.metrics,
  });
  loop.start();
  runtime.ops.addReadinessCheck('consumer', () => (loop.running ? null : 'not consuming'));
  runtime.onStop((mode) => loop.stop(mode, config.DRAIN_TIMEOUT_S * 1000));
  return loop;
}
