import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ManagedProcess, freePort, removeDir, startedOrLog, tempDir, waitForPort } from './process.js';

export interface NatsServerOptions {
  /** JetStream on (default) with a file store in the temp dir. */
  jetstream?: boolean;
  /** Extra config text appended to the generated config. */
  extraConfig?: string;
  /** Reuse a store dir (to restart "the same" server). */
  storeDir?: string;
  port?: number;
}

/** A real nats-server on 127.0.0.1 with a free port and a temp store; restartable with its data. */
export class NatsServer {
  private proc: ManagedProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly monitorPort: number,
    private readonly options: NatsServerOptions,
  ) {}

  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const dir = await tempDir('nats');
    const server = new NatsServer(dir, options.port ?? (await freePort()), await freePort(), options);
    await server.launch();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get storeDir(): string {
    return this.options.storeDir ?? path.join(this.dir, 'store');
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  private async launch(): Promise<void> {
    const conf = path.join(this.dir, 'nats.conf');
    const js =
      this.options.jetstream === false
        ? ''
        : `jetstream {\n  store_dir: "${this.storeDir}"\n  max_memory_store: 256MB\n  max_file_store: 8GB\n}\n`;
    await writeFile(
      conf,
      `listen: 127.0.0.1:${this.port}\nhttp: 127.0.0.1:${this.monitorPort}\nserver_name: talkrec-test-${this.port}\nmax_payload: 8MB\n${js}${this.options.extraConfig ?? ''}\n`,
    );
    this.proc = new ManagedProcess({
      name: 'nats-server',
      command: 'nats-server',
      args: ['-c', conf],
      logFile: path.join(this.dir, 'nats.log'),
    });
    await startedOrLog(this.proc, waitForPort(this.port));
  }

  log(): string {
    return this.proc?.log() ?? '';
  }

  /** Stops and starts again on the same port with the same store (a nats-server restart). */
  async restart(downMs = 0): Promise<void> {
    await this.proc?.stop();
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await this.launch();
  }

  async kill(): Promise<void> {
    await this.proc?.kill();
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
    await removeDir(this.dir);
  }
}
