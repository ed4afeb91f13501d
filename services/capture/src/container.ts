import type { DependencyContainer } from 'tsyringe';
import { kv } from '@talkrec/contracts';
import type { ServiceRuntime } from '@talkrec/platform';
import type { CaptureConfig } from './config.js';
import { CAPTURE_TOKENS } from './tokens.js';
import { Chromium } from './adapters/chromium/chromium.js';
import { FfmpegGrabber } from './adapters/ffmpeg/ffmpeg-grab.js';
import { SegmentStore } from './adapters/media/segment-store.js';
import { PageServer } from './adapters/page-server/page-server.js';
import { ProcessSupervisor } from './adapters/process/supervisor.js';
import { PulseAudio } from './adapters/pulse/pulse-audio.js';
import { SignalingTargets } from './adapters/talk/signaling-targets.js';
import { Xvfb } from './adapters/xvfb/xvfb.js';
import { CaptureHandler } from './handlers/capture.handler.js';
import { CaptureService } from './session/capture-service.js';

/** Capture's registrations in the runtime's container: one of each helper per instance. */
export async function registerCapture(
  runtime: ServiceRuntime,
  config: CaptureConfig,
): Promise<DependencyContainer> {
  const c = runtime.container;
  c.register(CAPTURE_TOKENS.Config, { useValue: config });
  c.register(CAPTURE_TOKENS.RecordingsKv, { useValue: await runtime.js.views.kv(kv.recordings.bucket) });
  c.register(CAPTURE_TOKENS.LeasesKv, { useValue: await runtime.js.views.kv(kv.leases.bucket) });
  for (const cls of [
    ProcessSupervisor,
    PulseAudio,
    PageServer,
    Xvfb,
    Chromium,
    FfmpegGrabber,
    SegmentStore,
    SignalingTargets,
    CaptureService,
    CaptureHandler,
  ]) {
    c.registerSingleton(cls as new (...args: never[]) => unknown);
  }
  return c;
}
