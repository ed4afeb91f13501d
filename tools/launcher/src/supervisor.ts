import { spawn, type ChildProcess } from 'node:child_process';
import { backoffDelay, type Logger } from '@talkrec/platform';

export interface SupervisedSpec {
  name: string;
  entry: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Runs one service as a child process, restarting it with backoff if it dies on its own (as compose's
 * `restart: unless-stopped` would); forwards SIGTERM/SIGINT and waits for the exit.
 */
export class Supervised {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private stopping = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly spec: SupervisedSpec,
    private readonly log: Logger,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const child = spawn(process.execPath, [this.spec.entry], {
      env: this.spec.env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve(code);
        if (this.stopping) return;
        this.restarts++;
        const delay = backoffDelay(this.restarts, 500, 30_000);
        this.log.error(
          { service: this.spec.name, code, signal, restartInMs: delay },
          'service exited; restarting',
        );
        this.restartTimer = setTimeout(() => this.start(), delay);
      });
    });
    this.log.info({ service: this.spec.name, pid: child.pid }, 'service started');
  }

  async stop(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => {
      this.log.warn({ service: this.spec.name }, 'service did not stop in time; killing it');
      child.kill('SIGKILL');
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
