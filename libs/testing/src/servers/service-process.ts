import path from 'node:path';
import { ManagedProcess, freePort, removeDir, startedOrLog, tempDir } from './process.js';

export type TalkrecService = 'controller' | 'capture' | 'encoder' | 'uploader';

/** The workspace root (this file is in libs/testing/{src,dist}/servers). */
export const WORKSPACE_ROOT = path.resolve(import.meta.dirname, '../../../..');

export const serviceEntryPoint = (service: TalkrecService) =>
  path.join(WORKSPACE_ROOT, 'services', service, 'dist', 'main.js');

/** Resolves when `url` answers 200; rejects after `timeoutMs`. */
export async function waitForHttpOk(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
    // Readiness has no push notification; poll briefly.
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A built talkrec service (services/<name>/dist/main.js) run as its own process, as in production:
 * its JSON log goes to a file, its ops listener to a free port; `ready()` awaits /readyz.
 */
export class ServiceProcess {
  private constructor(
    readonly service: TalkrecService,
    readonly dir: string,
    readonly opsPort: number,
    readonly proc: ManagedProcess,
  ) {}

  static async start(
    service: TalkrecService,
    env: Record<string, string>,
    options: { waitReady?: boolean } = {},
  ): Promise<ServiceProcess> {
    const dir = await tempDir(`svc-${service}`);
    const opsPort = await freePort();
    const proc = new ManagedProcess({
      name: service,
      command: process.execPath,
      args: [serviceEntryPoint(service)],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        LOG_LEVEL: 'info',
        ...env,
        OPS_LISTEN: `127.0.0.1:${opsPort}`,
      },
      logFile: path.join(dir, `${service}.log`),
    });
    const svc = new ServiceProcess(service, dir, opsPort, proc);
    if (options.waitReady !== false) await startedOrLog(proc, svc.ready());
    return svc;
  }

  get opsUrl(): string {
    return `http://127.0.0.1:${this.opsPort}`;
  }

  ready(timeoutMs = 20_000): Promise<void> {
    return waitForHttpOk(`${this.opsUrl}/readyz`, timeoutMs);
  }

  log(): string {
    return this.proc.log();
  }

  /** Log records as parsed JSON lines (non-JSON lines skipped). */
  logRecords(): Array<Record<string, unknown>> {
    return this.log()
      .split('\n')
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000): Promise<void> {
    await this.proc.stop(graceMs, signal);
  }

  /** SIGKILL, as a crash would. */
  async kill(): Promise<void> {
    await this.proc.kill();
  }

  async cleanup(): Promise<void> {
    await this.proc.stop();
    await removeDir(this.dir);
  }
}
