import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import path from 'node:path';
import type { Logger } from '@talkrec/platform';

/** A local nats-server with JetStream, its data under `<home>/var/nats`, for the embedded default. */
export class EmbeddedNats {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;

  constructor(
    private readonly home: string,
    readonly port: number,
    private readonly log: Logger,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const dir = path.join(this.home, 'var', 'nats');
    await mkdir(dir, { recursive: true });
    const conf = path.join(dir, 'nats.conf');
    await writeFile(
      conf,
      `listen: 127.0.0.1:${this.port}\nserver_name: talkrec-embedded\nmax_payload: 8MB\njetstream {\n  store_dir: "${path.join(dir, 'store')}"\n}\n`,
    );
    const child = spawn('nats-server', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stderr.on('data', (d: Buffer) => {
      const line = d.toString().trim();
      if (/\[(ERR|FTL|WRN)\]/.test(line)) this.log.warn({ nats: line }, 'nats-server');
    });
    await this.waitUntilListening();
    this.log.info({ url: this.url, store: path.join(dir, 'store') }, 'embedded nats-server started');
  }

  private async waitUntilListening(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child?.exitCode !== null && this.child?.exitCode !== undefined) {
        throw new Error(`nats-server exited with ${this.child.exitCode} (is port ${this.port} in use?)`);
      }
      const ok = await new Promise<boolean>((resolve) => {
        const s = netConnect({ port: this.port, host: '127.0.0.1' }, () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      });
      if (ok) return;
      if (Date.now() > deadline) {
        throw new Error(`nats-server did not listen on ${this.port} within ${timeoutMs} ms`);
      }
      // A listening socket has no event to wait for; poll briefly.
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
