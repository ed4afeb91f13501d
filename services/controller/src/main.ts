import 'reflect-metadata';
import {
  EVENT_CONTRACTS,
  RetryRecordingCommand,
  Stage,
  StageFailed,
  StartRecordingCommand,
  StopRecordingCommand,
  consumers,
  subjects,
} from '@talkrec/contracts';
import { ConsumeLoop, ServiceRuntime, route, runMain } from '@talkrec/platform';
import { loadControllerConfig } from './config.js';
import { controllerTopology } from './topology.js';
import { handleCommand } from './handlers/command.handler.js';
import { handleEvent } from './handlers/event.handler.js';

runMain('controller', async () => {
  const config = loadControllerConfig();
  const runtime = await new ServiceRuntime('controller', config).start(controllerTopology);
  const loops = [
    new ConsumeLoop({
      js: runtime.js,
      consumer: consumers.controllerCommands,
      routes: [
        route(subjects.startCommand, StartRecordingCommand, handleCommand),
        route(subjects.stopCommand, StopRecordingCommand, handleCommand),
        route(subjects.retryCommand, RetryRecordingCommand, handleCommand),
      ],
      concurrency: 1,
      publisher: runtime.publisher,
      log: runtime.log,
      metrics: runtime.metrics,
    }),
    new ConsumeLoop({
      js: runtime.js,
      consumer: consumers.controllerEvents,
      routes: [
        ...EVENT_CONTRACTS.map((c) => route(subjects.event(c, ''), c, handleEvent)),
        ...Stage.options.map((stage) => route(subjects.stageFailed(stage, ''), StageFailed, handleEvent)),
      ],
      concurrency: 1,
      publisher: runtime.publisher,
      log: runtime.log,
      metrics: runtime.metrics,
    }),
  ];
  for (const loop of loops) loop.start();
  runtime.ops.addReadinessCheck('consumer', () => (loops.every((l) => l.running) ? null : 'not consuming'));
  runtime.onStop((mode) =>
    Promise.all(loops.map((l) => l.stop(mode, config.DRAIN_TIMEOUT_S * 1000))).then(() => undefined),
  );
  await runtime.serve();
});
