import path from 'node:path';
import {
  ServiceProcess,
  WORKSPACE_ROOT,
  processesWith,
  removeDir,
  tempDir,
  type HpbStack,
} from '@talkrec/testing';
import { FIXTURES, randomDisplayBase } from './session-tools.js';

/** The real page bundle (built by `nx run @talkrec/capture:build`). */
export const BUNDLED_PAGE = path.join(WORKSPACE_ROOT, 'services/capture/dist/page');
export const FIXTURE_PAGE = path.join(FIXTURES, 'call-view');

/** The built capture service as its own process, on its own WORK_DIR and display range. */
export class CaptureInstance {
  private constructor(
    readonly instanceId: string,
    readonly workDir: string,
    readonly displayBase: number,
    readonly svc: ServiceProcess,
  ) {}

  static async start(
    natsUrl: string,
    stack: HpbStack,
    options: {
      instanceId: string;
      pageDir: string;
      slots?: number;
      workDir?: string;
      displayBase?: number;
      minFreeDiskMb?: number;
    },
  ): Promise<CaptureInstance> {
    const workDir = options.workDir ?? (await tempDir('capture-work'));
    const displayBase = options.displayBase ?? randomDisplayBase();
    const svc = await ServiceProcess.start('capture', {
      NATS_URL: natsUrl,
      INSTANCE_ID: options.instanceId,
      WORK_DIR: workDir,
      DISPLAY_BASE: String(displayBase),
      PAGE_DIR: options.pageDir,
      CAPTURE_SLOTS: String(options.slots ?? 1),
      MIN_FREE_DISK_MB: String(options.minFreeDiskMb ?? 100),
      NEXTCLOUD_URL: stack.nextcloud.url,
      NEXTCLOUD_BACKEND_ID: stack.backendId,
      TALK_RECORDING_SECRET: stack.nextcloud.recordingSecret,
      // No SIGNALING_URL: capture asks Talk's signaling settings for it, as in production.
      SIGNALING_INTERNAL_SECRET: stack.internalSecret,
    });
    return new CaptureInstance(options.instanceId, workDir, displayBase, svc);
  }

  /** Processes this instance started (Xvfb on its displays, anything under its WORK_DIR) still alive. */
  leftovers(): Array<{ pid: number; cmd: string }> {
    return [...processesWith(this.workDir), ...processesWith(`Xvfb :${this.displayBase}`)];
  }

  /**
   * Session folders that live processes of this instance use (a recording's, or a standby's), once
   * at most `max` are left or after `timeoutMs` (a closed browser's helpers take a moment to exit).
   */
  async sessionsInUse(max: number, timeoutMs = 10_000): Promise<Set<string>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = new Set(
        this.leftovers().flatMap((p) => /\/sessions\/(s\d+-[0-9a-f]+)\//.exec(p.cmd)?.[1] ?? []),
      );
      if (found.size <= max || Date.now() > deadline) return found;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Polls until nothing of this instance runs (but what `except` matches); exits have no event here. */
  async waitNoLeftovers(timeoutMs = 10_000, except?: RegExp): Promise<Array<{ pid: number; cmd: string }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = this.leftovers().filter((p) => !except?.test(p.cmd));
      if (left.length === 0 || Date.now() > deadline) return left;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async cleanup(): Promise<void> {
    await this.svc.cleanup();
    await removeDir(this.workDir);
  }
}
