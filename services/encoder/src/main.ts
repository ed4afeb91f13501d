import 'reflect-metadata';
import { AssembleJob, EncodeSegmentJob, consumers, subjects } from '@talkrec/contracts';
import { ConsumeLoop, ServiceRuntime, route, runMain } from '@talkrec/platform';
import { loadEncoderConfig } from './config.js';
import { encoderTopology } from './topology.js';
import { handleAssemble } from './handlers/assemble.handler.js';
import { handleEncodeSegment } from './handlers/encode-segment.handler.js';

runMain('encoder', async () => {
  const config = loadEncoderConfig();
  const runtime = await new ServiceRuntime('encoder', config).start(encoderTopology);
  const loop = new ConsumeLoop({
    js: runtime.js,
    consumer: consumers.encodeWorkers,
    routes: [
      route(subjects.jobPrefix(EncodeSegmentJob), EncodeSegmentJob, handleEncodeSegment),
      route(subjects.jobPrefix(AssembleJob), AssembleJob, handleAssemble),
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
  await runtime.serve();
});
