import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Listen } from '../config/env.js';
import type { Logger } from '../logger.js';
import type { ServiceMetrics } from './metrics.js';

/** A readiness check: resolves to null when ready, or to the reason it is not. */
export type ReadinessCheck = () => string | null | Promise<string | null>;

/**
 * `/healthz` (the process is alive), `/readyz` (every readiness check passes: 200, else 503 with the
 * reasons) and `/metrics` (Prometheus text format).
 */
export class OpsServer {
  private server: Server | undefined;
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly log: Logger,
  ) {}

  addReadinessCheck(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async readiness(): Promise<Record<string, string>> {
    const failing: Record<string, string> = {};
    for (const [name, check] of this.checks) {
      try {
        const reason = await check();
        if (reason) failing[name] = reason;
      } catch (err) {
        failing[name] = (err as Error).message;
      }
    }
    return failing;
  }

  async listen(at: Listen): Promise<AddressInfo> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET') {
        res.writeHead(405).end();
        return;
      }
      if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else if (path === '/readyz') {
        void this.readiness().then((failing) => {
          const ready = Object.keys(failing).length === 0;
          res
            .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify(ready ? { status: 'ready' } : { status: 'not ready', failing }));
        });
      } else if (path === '/metrics') {
        void this.metrics.registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(text),
          (err: Error) => res.writeHead(500).end(err.message),
        );
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(at.port, at.host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.log.info({ host: address.address, port: address.port }, 'ops listening');
    return address;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
