import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Listen, Logger } from '@talkrec/platform';

export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

export interface HttpContext {
  req: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** The raw body; throws BodyTooLarge past `limit` bytes (announced or actual). */
  body(limit: number): Promise<Buffer>;
  json(status: number, value: unknown, headers?: Record<string, string>): void;
  text(status: number, value: string): void;
}

export type HttpHandler = (ctx: HttpContext) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: HttpHandler;
}

/** A small JSON HTTP listener: `:param` routes, bodies read with a hard limit, handler errors → 500. */
export class HttpServer {
  private readonly routes: Route[] = [];
  private server: Server | undefined;

  constructor(
    private readonly name: string,
    private readonly log: Logger,
  ) {}

  on(method: string, path: string, handler: HttpHandler): this {
    const keys: string[] = [];
    const source = path
      .split('/')
      .map((seg) => {
        if (!seg.startsWith(':')) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        keys.push(seg.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), keys, handler });
    return this;
  }

  async listen(at: Listen): Promise<AddressInfo> {
    this.server = createServer((req, res) => void this.dispatch(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(at.port, at.host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.log.info({ api: this.name, host: address.address, port: address.port }, 'api listening');
    return address;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const ctx: HttpContext = {
      req,
      method,
      path: url.pathname,
      query: url.searchParams,
      params: {},
      body: (limit) => readBody(req, limit),
      json: (status, value, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(value));
      },
      text: (status, value) => {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(value);
      },
    };
    let allowed = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      if (route.method !== method) {
        allowed = true;
        continue;
      }
      route.keys.forEach((k, i) => (ctx.params[k] = decodeURIComponent(m[i + 1] ?? '')));
      try {
        await route.handler(ctx);
      } catch (err) {
        this.log.error({ err, api: this.name, method, path: url.pathname }, 'request failed');
        if (!res.headersSent) ctx.json(500, { error: 'internal error' });
      }
      return;
    }
    req.resume();
    ctx.json(allowed ? 405 : 404, { error: allowed ? 'method not allowed' : 'not found' });
  }
}

/** Reads at most `limit` bytes; past that the rest is drained (not destroyed) so the answer still goes out. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const announced = Number(req.headers['content-length'] ?? NaN);
    if (announced > limit) {
      req.resume();
      reject(new BodyTooLarge(`body of ${announced} bytes exceeds ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.once('error', reject);
    req.once('end', () => {
      if (tooLarge) reject(new BodyTooLarge(`body exceeds ${limit} bytes`));
      else resolve(Buffer.concat(chunks));
    });
  });
}
