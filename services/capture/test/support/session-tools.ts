import path from 'node:path';
import { createLogger, type Logger } from '@talkrec/platform';
import { removeDir, tempDir } from '@talkrec/testing';
import { loadCaptureConfig, type CaptureConfig } from '../../src/config.js';
import { Chromium } from '../../src/adapters/chromium/chromium.js';
import { FfmpegGrabber } from '../../src/adapters/ffmpeg/ffmpeg-grab.js';
import { PageServer } from '../../src/adapters/page-server/page-server.js';
import { ProcessSupervisor } from '../../src/adapters/process/supervisor.js';
import { PulseAudio } from '../../src/adapters/pulse/pulse-audio.js';
import { Xvfb } from '../../src/adapters/xvfb/xvfb.js';
import type { SessionTools } from '../../src/session/capture-session.js';

export const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');

/** A display range nobody else on this machine uses (tests of other projects run at the same time). */
export const randomDisplayBase = () => 300 + Math.floor(Math.random() * 5000) * 4;

/** Capture's per-instance helpers, wired by hand on a temp WORK_DIR, for tests below the service. */
export class TestTools {
  private constructor(
    readonly config: CaptureConfig,
    readonly log: Logger,
    readonly procs: ProcessSupervisor,
    readonly pulse: PulseAudio,
    readonly pages: PageServer,
    readonly session: SessionTools,
  ) {}

  static async start(page: 'call-view' | 'av-sync' = 'call-view'): Promise<TestTools> {
    const config = loadCaptureConfig({
      WORK_DIR: await tempDir('capture-work'),
      DISPLAY_BASE: String(randomDisplayBase()),
      PAGE_DIR: path.join(FIXTURES, page),
      LOG_LEVEL: 'warn',
    });
    const log = createLogger({ service: 'capture-test', instanceId: 'test', level: 'warn' });
    const procs = new ProcessSupervisor(config, log);
    await procs.init();
    const pulse = new PulseAudio(config, procs, log);
    const pages = new PageServer(config, log);
    await pages.listen();
    return new TestTools(config, log, procs, pulse, pages, {
      xvfb: new Xvfb(config, procs, log),
      pulse,
      chromium: new Chromium(config, procs, log),
      pages,
      grabber: new FfmpegGrabber(config, procs),
      sessionsDir: path.join(procs.ownerDir, 'sessions'),
      displayBase: config.DISPLAY_BASE,
    });
  }

  async stop(): Promise<void> {
    await this.pages.close();
    await this.pulse.close();
    await removeDir(this.config.WORK_DIR);
  }
}
