import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import { TOKENS, type Logger } from '@talkrec/platform';
import type { CaptureConfig } from '../../config.js';
import { CAPTURE_TOKENS } from '../../tokens.js';
import type { CallViewConfig } from '../../page/protocol.js';

const PREFIX = '/call-view/';
const CONFIG_PATH = `${PREFIX}config`;
const ASSET = /^[A-Za-z0-9._-]+\.(js|css|map|html|svg|png|woff2)$/;
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
  woff2: 'font/woff2',
};

/**
 * Serves the call-view page to the instance's browsers on loopback. Each recording gets a random
 * token; the page (`/call-view/?t=`) and its config (`/call-view/config?t=`) answer only to a live
 * token, the bundle's static files to anyone on loopback, everything else 404. The config is built on
 * every request, so each (re)connect of the page gets fresh hello params.
 */
@injectable()
export class PageServer {
  private server: Server | undefined;
  private port = 0;
  private readonly tokens = new Map<string, () => CallViewConfig | Promise<CallViewConfig>>();

  constructor(
    @inject(CAPTURE_TOKENS.Config) private readonly config: CaptureConfig,
    @inject(TOKENS.Logger) private readonly log: Logger,
  ) {}

  async listen(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Registers a recording's page; returns its URL and a function that revokes it. */
  open(configFor: () => CallViewConfig | Promise<CallViewConfig>): { url: string; revoke: () => void } {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, configFor);
    return {
      url: `http://127.0.0.1:${this.port}${PREFIX}?t=${token}`,
      revoke: () => this.tokens.delete(token),
    };
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const configFor = this.tokens.get(url.searchParams.get('t') ?? '');
    try {
      if (req.method !== 'GET') return notFound(res);
      if (url.pathname === CONFIG_PATH && configFor) {
        return send(res, 200, 'application/json', JSON.stringify(await configFor()));
      }
      if (url.pathname === PREFIX && configFor) return await this.sendFile(res, 'index.html');
      const name = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : '';
      if (ASSET.test(name) && name !== 'index.html') return await this.sendFile(res, name);
      notFound(res);
    } catch (err) {
      this.log.warn({ err, path: url.pathname }, 'page request failed');
      if (!res.headersSent) notFound(res);
    }
  }

  private async sendFile(res: ServerResponse, name: string): Promise<void> {
    const body = await readFile(path.join(this.config.PAGE_DIR, name));
    send(res, 200, TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream', body);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function notFound(res: ServerResponse): void {
  send(res, 404, 'text/plain; charset=utf-8', 'not found');
}
