import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Raw body when the handler buffered it (not for streamed uploads). */
  body?: Buffer;
  status?: number;
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  record: RecordedRequest;
  /** Reads the whole body (at most `limit` bytes; more → 413 and null). */
  body(limit?: number): Promise<Buffer | null>;
  send(status: number, body?: string | Buffer | object, headers?: Record<string, string>): void;
}

export type Handler = (ctx: Ctx) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

/** A fault the stand-in injects before routing: answer `status` to matching requests. */
export interface Fault {
  match: (method: string, path: string) => boolean;
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** How many requests it hits; unlimited when absent. */
  times?: number;
}

/**
 * The stand-in's tiny HTTP layer: routes with `:param` segments (and a trailing `*rest`), a log of every
 * request for assertions, and injectable faults.
 */
export class StandInHttp {
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  private readonly routes: Route[] = [];
  private server: Server | undefined;
  port = 0;

  on(method: string, path: string, handler: Handler): void {
    const keys: string[] = [];
    const source = path
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          keys.push(seg.slice(1));
          return '([^/]+)';
        }
        if (seg.startsWith('*')) {
          keys.push(seg.slice(1));
          return '(.*)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), keys, handler });
  }

  async listen(port = 0): Promise<number> {
    this.server = createServer((req, res) => void this.dispatch(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);
    const record: RecordedRequest = {
      at: Date.now(),
      method,
      path,
      query: url.searchParams,
      headers: req.headers,
    };
    this.requests.push(record);
    let buffered: Buffer | null | undefined;
    const ctx: Ctx = {
      req,
      res,
      method,
      path,
      query: url.searchParams,
      params: {},
      record,
      body: async (limit = 16 * 1024 * 1024) => {
        if (buffered !== undefined) return buffered;
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of req) {
          size += (chunk as Buffer).length;
          if (size > limit) {
            buffered = null;
            return null;
          }
          chunks.push(chunk as Buffer);
        }
        buffered = Buffer.concat(chunks);
        record.body = buffered;
        return buffered;
      },
      send: (status, body, headers = {}) => {
        record.status = status;
        let payload: string | Buffer | undefined;
        const h: Record<string, string> = { ...headers };
        if (body === undefined) payload = undefined;
        else if (typeof body === 'string' || Buffer.isBuffer(body)) payload = body;
        else {
          payload = JSON.stringify(body);
          h['content-type'] ??= 'application/json; charset=utf-8';
        }
        res.writeHead(status, h);
        res.end(payload);
      },
    };
    const fault = this.faults.find((f) => (f.times === undefined || f.times > 0) && f.match(method, path));
    if (fault) {
      if (fault.times !== undefined) fault.times--;
      // Drain the body so the client sees the answer rather than a reset.
      req.resume();
      ctx.send(fault.status, fault.body ?? '', fault.headers);
      return;
    }
    for (const route of this.routes) {
      if (route.method !== method && route.method !== '*') continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      route.keys.forEach((k, i) => (ctx.params[k] = m[i + 1] ?? ''));
      try {
        await route.handler(ctx);
      } catch (err) {
        if (!res.headersSent) ctx.send(500, String((err as Error).stack ?? err));
      }
      return;
    }
    req.resume();
    ctx.send(404, `stand-in: no route for ${method} ${path}`);
  }
}
