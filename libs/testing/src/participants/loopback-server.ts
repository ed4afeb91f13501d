import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackResponse {
  status?: number;
  type: string;
  body: string | Buffer;
}

export type LoopbackRoute = (req: IncomingMessage, url: URL) => LoopbackResponse | Promise<LoopbackResponse>;

/** A tiny HTTP server on 127.0.0.1 for test pages: exact paths → answers; everything else 404. */
export class LoopbackServer {
  private constructor(private readonly server: Server) {}

  static async start(routes: Record<string, LoopbackRoute>): Promise<LoopbackServer> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const route = routes[url.pathname];
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      Promise.resolve(route(req, url)).then(
        (answer) => {
          res.writeHead(answer.status ?? 200, { 'content-type': answer.type, 'cache-control': 'no-store' });
          res.end(answer.body);
        },
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new LoopbackServer(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
