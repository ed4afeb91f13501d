import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@talkrec/platform';
import { loadCaptureConfig } from '../../config.js';
import type { CallViewConfig } from '../../page/protocol.js';
import { PageServer } from './page-server.js';

describe('PageServer', () => {
  let dir: string;
  let server: PageServer;
  let calls = 0;
  const config = (): CallViewConfig => ({
    recordingId: 'rec_01JD7ZQ3K4X5Y6Z7A8B9C0D1E2',
    signalingUrl: 'ws://127.0.0.1:8080/spreed',
    helloAuth: { random: `r${++calls}`.padEnd(32, 'x'), token: 't', backend: 'http://nc' },
    roomToken: 'abc',
    mode: 'video',
    layout: 'grid',
    width: 1280,
    height: 720,
    iceServers: [],
  });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'page-'));
    await writeFile(path.join(dir, 'index.html'), '<p>call view</p>');
    await writeFile(path.join(dir, 'app.js'), 'void 0;');
    server = new PageServer(
      loadCaptureConfig({ PAGE_DIR: dir }),
      createLogger({ service: 't', instanceId: 't', level: 'silent' }),
    );
    await server.listen();
  });

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page and a fresh config to the recording token only, on loopback', async () => {
    const page = server.open(config);
    expect(page.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/call-view\/\?t=[\w-]{32}$/);
    const html = await fetch(page.url);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const configUrl = page.url.replace('/call-view/?', '/call-view/config?');
    const first = (await (await fetch(configUrl)).json()) as CallViewConfig;
    const second = (await (await fetch(configUrl)).json()) as CallViewConfig;
    expect(first.roomToken).toBe('abc');
    expect(second.helloAuth.random).not.toBe(first.helloAuth.random);
    expect((await fetch(new URL('/call-view/app.js', page.url))).status).toBe(200);

    page.revoke();
    expect((await fetch(page.url)).status).toBe(404);
    expect((await fetch(configUrl)).status).toBe(404);
  });

  it('answers 404 to everything else', async () => {
    const page = server.open(config);
    const base = new URL(page.url);
    for (const p of [
      '/',
      '/call-view/config?t=wrong',
      '/call-view/?t=',
      '/call-view/..%2F..%2Fetc%2Fpasswd',
      '/call-view/index.html',
      '/other',
    ]) {
      expect((await fetch(new URL(p, base))).status, p).toBe(404);
    }
    expect((await fetch(page.url, { method: 'POST' })).status).toBe(404);
    page.revoke();
  });
});
