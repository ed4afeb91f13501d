import { readFile, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { inject, injectable } from 'tsyringe';
import { TOKENS, type Logger } from '@talkrec/platform';
import type { CaptureConfig } from '../../config.js';
import { CAPTURE_TOKENS } from '../../tokens.js';
import { buildXvfbArgs, displayName, XVFB_READY_FD } from '../../core/xvfb-args.js';
import { CaptureError } from '../../core/failures.js';
import { processStartTicks } from '../process/proc.js';
import { ProcessSupervisor, type Supervised } from '../process/supervisor.js';

const START_TIMEOUT_MS = 10_000;

/** A running X display of one recording. */
export class XvfbDisplay {
  constructor(
    readonly display: number,
    private readonly proc: Supervised,
  ) {}

  /** `:N`, for DISPLAY and x11grab. */
  get name(): string {
    return displayName(this.display);
  }

  get exited() {
    return this.proc.exited;
  }

  async close(): Promise<void> {
    await this.proc.stop('SIGTERM', 3_000);
  }
}

/** Starts Xvfb displays; one per recording slot. */
@injectable()
export class Xvfb {
  constructor(
    @inject(CAPTURE_TOKENS.Config) private readonly config: CaptureConfig,
    @inject(ProcessSupervisor) private readonly procs: ProcessSupervisor,
    @inject(TOKENS.Logger) private readonly log: Logger,
  ) {}

  /** Resolves once the server accepts clients (it writes its display number to the ready fd). */
  async start(display: number, size: { width: number; height: number }): Promise<XvfbDisplay> {
    await this.clearStaleLock(display);
    const log = this.log.child({ display });
    const proc = this.procs.spawn('Xvfb', this.config.XVFB_PATH, buildXvfbArgs(display, size), {
      extraPipes: 1,
      onStderr: (line) => log.debug({ line }, 'xvfb output'),
    });
    const readyFd = proc.child.stdio[XVFB_READY_FD] as Readable;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      new Promise<'ready'>((resolve) => readyFd.once('data', () => resolve('ready'))),
      proc.exited.then(() => 'exited' as const),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), START_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    readyFd.resume();
    if (outcome !== 'ready') {
      await proc.stop('SIGKILL', 1_000);
      throw new CaptureError('xvfb_failed', `Xvfb on ${displayName(display)} did not start (${outcome})`);
    }
    return new XvfbDisplay(display, proc);
  }

  /**
   * A killed Xvfb leaves its lock file behind, and a new server on that display refuses to start.
   * The lock is removed only when the process it names is gone; a live one is somebody else's.
   */
  private async clearStaleLock(display: number): Promise<void> {
    const lock = `/tmp/.X${display}-lock`;
    const text = await readFile(lock, 'utf8').catch(() => undefined);
    if (text === undefined) return;
    const pid = Number(text.trim());
    if (pid > 0 && processStartTicks(pid) !== undefined) {
      throw new CaptureError('display_busy', `display ${displayName(display)} is used by process ${pid}`);
    }
    await rm(lock, { force: true });
    await rm(`/tmp/.X11-unix/X${display}`, { force: true });
  }
}
