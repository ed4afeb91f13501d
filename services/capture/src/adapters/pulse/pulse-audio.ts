import { execFile } from 'node:child_process';
import { watch } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject, injectable } from 'tsyringe';
import { TOKENS, type Logger } from '@talkrec/platform';
import type { CaptureConfig } from '../../config.js';
import { CAPTURE_TOKENS } from '../../tokens.js';
import { CaptureError } from '../../core/failures.js';
import { monitorOf, nullSinkArgs, PULSE_SOCKET, pulseDaemonScript } from '../../core/pulse.js';
import { ProcessSupervisor, type Supervised } from '../process/supervisor.js';

const run = promisify(execFile);
const START_TIMEOUT_MS = 10_000;
const PACTL_TIMEOUT_MS = 5_000;

/** One recording's null sink: Chromium plays into it, ffmpeg records its monitor. */
export class PulseSink {
  private closed: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly moduleIndex: number,
    private readonly unload: (index: number) => Promise<void>,
  ) {}

  get monitor(): string {
    return monitorOf(this.name);
  }

  close(): Promise<void> {
    this.closed ??= this.unload(this.moduleIndex);
    return this.closed;
  }
}

/**
 * The instance's PulseAudio daemon (user mode, root or not, private runtime folder, no D-Bus), started
 * with the first recording and restarted if it died; one null sink per recording.
 */
@injectable()
export class PulseAudio {
  private daemon: Supervised | undefined;
  private starting: Promise<void> | undefined;
  private readonly runtimeDir: string;

  constructor(
    @inject(CAPTURE_TOKENS.Config) private readonly config: CaptureConfig,
    @inject(ProcessSupervisor) private readonly procs: ProcessSupervisor,
    @inject(TOKENS.Logger) private readonly log: Logger,
  ) {
    this.runtimeDir = path.join(procs.ownerDir, 'pulse');
  }

  /** The PULSE_SERVER value that addresses this daemon. */
  get server(): string {
    return `unix:${path.join(this.runtimeDir, PULSE_SOCKET)}`;
  }

  /** Starts the daemon unless it runs already. */
  async start(): Promise<void> {
    if (this.daemon?.alive) return;
    this.starting ??= this.launch().finally(() => (this.starting = undefined));
    await this.starting;
  }

  async createSink(name: string): Promise<PulseSink> {
    await this.start();
    const index = Number((await this.pactl(nullSinkArgs(name))).trim());
    if (!Number.isInteger(index)) throw new CaptureError('pulse_failed', `cannot load the sink ${name}`);
    return new PulseSink(name, index, (i) => this.unloadModule(i));
  }

  async close(): Promise<void> {
    await this.daemon?.stop('SIGTERM', 3_000);
  }

  private async launch(): Promise<void> {
    await mkdir(this.runtimeDir, { recursive: true, mode: 0o700 });
    const socket = path.join(this.runtimeDir, PULSE_SOCKET);
    const script = path.join(this.runtimeDir, 'daemon.pa');
    await writeFile(script, pulseDaemonScript(socket));
    const appeared = this.socketAppears(socket);
    const log = this.log.child({ component: 'pulseaudio' });
    this.daemon = this.procs.spawn(
      'pulseaudio',
      this.config.PULSEAUDIO_PATH,
      [
        '-n',
        '-F',
        script,
        '--daemonize=no',
        '--exit-idle-time=-1',
        '--use-pid-file=no',
        '--log-target=stderr',
      ],
      {
        env: { PATH: process.env.PATH, HOME: this.runtimeDir, XDG_RUNTIME_DIR: this.runtimeDir },
        onStderr: (line) => {
          // Warnings about root, cookies and D-Bus are expected in this setup.
          if (line.startsWith('E:')) log.warn({ line }, 'pulseaudio error');
        },
      },
    );
    const daemon = this.daemon;
    void daemon.exited.then((exit) => log.info({ ...exit }, 'pulseaudio exited'));
    const outcome = await Promise.race([appeared, daemon.exited.then(() => 'exited' as const)]);
    if (outcome !== 'ready') {
      await daemon.stop('SIGKILL', 1_000);
      throw new CaptureError('pulse_failed', `PulseAudio did not start (${outcome})`);
    }
    await this.pactl(['info']);
  }

  /** Resolves when the daemon's socket file exists (watching its folder), or times out. */
  private socketAppears(socket: string): Promise<'ready' | 'timeout'> {
    return new Promise((resolve) => {
      const dir = path.dirname(socket);
      const watcher = watch(dir);
      const timer = setTimeout(() => done('timeout'), START_TIMEOUT_MS);
      const done = (result: 'ready' | 'timeout') => {
        clearTimeout(timer);
        watcher.close();
        resolve(result);
      };
      const check = () =>
        void access(socket).then(
          () => done('ready'),
          () => undefined,
        );
      watcher.on('change', check);
      check();
    });
  }

  private async unloadModule(index: number): Promise<void> {
    if (!this.daemon?.alive) return;
    await this.pactl(['unload-module', String(index)]).catch((err: unknown) =>
      this.log.warn({ err, index }, 'sink not unloaded'),
    );
  }

  private async pactl(args: string[]): Promise<string> {
    const { stdout } = await run(this.config.PACTL_PATH, args, {
      env: { PATH: process.env.PATH, HOME: this.runtimeDir, PULSE_SERVER: this.server },
      timeout: PACTL_TIMEOUT_MS,
    });
    return stdout;
  }
}
