import { spawn, type ChildProcess, type StdioPipe } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { inject, injectable } from 'tsyringe';
import { TOKENS, type Logger } from '@talkrec/platform';
import type { CaptureConfig } from '../../config.js';
import { CAPTURE_TOKENS } from '../../tokens.js';
import { killGroup, processStartTicks } from './proc.js';

/** setpriv (util-linux) makes the kernel kill a child when the service dies, even by SIGKILL. */
const SETPRIV = '/usr/bin/setpriv';
const OWNER_DIR = /^owner-(\d+)-(\d+)$/;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Extra pipes after stdin/stdout/stderr (fd 3, 4, …), e.g. Xvfb's `-displayfd 3`. */
  extraPipes?: number;
  /** Called with each line the process writes to stdout / stderr. */
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
}

/** A child process in its own process group, registered so it never outlives the service. */
export class Supervised {
  /** Resolves once the process exited and is no longer listed. */
  readonly exited: Promise<ExitInfo>;
  private signalled = false;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    /** Resolves once the process is listed for the leftover sweep. */
    readonly listed: Promise<void>,
    unlist: () => Promise<void>,
  ) {
    this.exited = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: null, signal: null }));
    }).then(async (exit) => {
      await unlist();
      return exit;
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.pid > 0;
  }

  /**
   * Sends `signal` once (ffmpeg takes a second SIGTERM as "abort now" and truncates the segment it is
   * closing), waits up to `graceMs`, then kills the whole group.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<ExitInfo> {
    if (this.alive && !this.signalled) {
      this.signalled = true;
      this.child.kill(signal);
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), graceMs)));
    const first = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (first === 'late') killGroup(this.pid, 'SIGKILL');
    return this.exited;
  }

  kill(): Promise<ExitInfo> {
    killGroup(this.pid, 'SIGKILL');
    return this.exited;
  }
}

/**
 * Starts the service's helper processes (Xvfb, PulseAudio, ffmpeg) so that none survives the service:
 * each runs in its own process group (stopped as a group), gets a parent-death signal, and is listed
 * under this run's owner folder; at start, leftovers of earlier runs whose service is gone are killed
 * and their folders removed. Chromium is started by puppeteer and only registered here.
 */
@injectable()
export class ProcessSupervisor {
  /** This service process's folder in WORK_DIR: its sessions, its PulseAudio, its process list. */
  readonly ownerDir: string;
  private readonly procDir: string;
  private readonly usePdeathsig = existsSync(SETPRIV);

  constructor(
    @inject(CAPTURE_TOKENS.Config) private readonly config: CaptureConfig,
    @inject(TOKENS.Logger) private readonly log: Logger,
  ) {
    this.ownerDir = path.join(config.WORK_DIR, `owner-${process.pid}-${processStartTicks(process.pid) ?? 0}`);
    this.procDir = path.join(this.ownerDir, 'procs');
  }

  async init(): Promise<void> {
    await mkdir(this.procDir, { recursive: true });
    await this.reapLeftovers();
  }

  spawn(name: string, command: string, args: string[], options: SpawnOptions = {}): Supervised {
    const stdio: Array<'ignore' | StdioPipe> = ['ignore', 'pipe', 'pipe'];
    for (let i = 0; i < (options.extraPipes ?? 0); i++) stdio.push('pipe');
    const [cmd, argv] = this.usePdeathsig
      ? [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]]
      : [command, args];
    const child = spawn(cmd, argv, { detached: true, stdio, env: options.env ?? process.env });
    const pid = child.pid;
    const proc = new Supervised(name, child, pid ? this.register(name, pid) : Promise.resolve(), () =>
      pid ? this.unregister(pid) : Promise.resolve(),
    );
    for (const [stream, onLine] of [
      [child.stdout, options.onStdout],
      [child.stderr, options.onStderr],
    ] as const) {
      if (!stream) continue;
      if (!onLine) {
        stream.resume();
        continue;
      }
      createInterface({ input: stream }).on('line', onLine);
    }
    return proc;
  }

  /** Lists a process started elsewhere (puppeteer's Chromium) for the leftover sweep. */
  async adopt(name: string, pid: number): Promise<void> {
    await this.register(name, pid);
  }

  async release(pid: number): Promise<void> {
    await this.unregister(pid);
  }

  private async register(name: string, pid: number): Promise<void> {
    const ticks = processStartTicks(pid);
    if (!ticks) return;
    await writeFile(path.join(this.procDir, String(pid)), JSON.stringify({ name, ticks })).catch(
      (err: unknown) => this.log.warn({ err, pid, name }, 'process not listed'),
    );
  }

  private async unregister(pid: number): Promise<void> {
    await unlink(path.join(this.procDir, String(pid))).catch(() => undefined);
  }

  /** Kills what earlier runs of a capture service on this WORK_DIR left running, then removes their folders. */
  private async reapLeftovers(): Promise<void> {
    const entries = await readdir(this.config.WORK_DIR).catch(() => [] as string[]);
    for (const entry of entries) {
      const owner = OWNER_DIR.exec(entry);
      if (!owner) continue;
      if (processStartTicks(Number(owner[1])) === owner[2]) continue;
      const dir = path.join(this.config.WORK_DIR, entry);
      const procs = await readdir(path.join(dir, 'procs')).catch(() => [] as string[]);
      for (const file of procs) {
        const pid = Number(file);
        const listed = await readFile(path.join(dir, 'procs', file), 'utf8')
          .then((t) => JSON.parse(t) as { name: string; ticks: string })
          .catch(() => undefined);
        if (!listed || processStartTicks(pid) !== listed.ticks) continue;
        this.log.warn({ pid, name: listed.name, owner: entry }, 'leftover process killed');
        killGroup(pid, 'SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    }
  }
}
