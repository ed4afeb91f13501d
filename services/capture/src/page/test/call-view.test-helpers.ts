import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'puppeteer-core';
import { LoopbackServer, launchTestChromium, removeDir, tempDir, type HpbStack } from '@talkrec/testing';
import type { CallViewConfig, PageReport } from '../protocol.js';
import { decodePng, type Frame, type Region } from './frame.test-helpers.js';

const run = promisify(execFile);
const buildScript = fileURLToPath(new URL('../../../scripts/build-page.mjs', import.meta.url));

export interface TileInfo {
  id: string;
  kind: 'person' | 'screen';
  sessionId: string;
  role: string;
  video: 'on' | 'off';
  speaking: boolean;
  label: string;
  rect: Region;
  labelRect: Region;
}

declare global {
  interface Window {
    mainTileHistory?: Array<{ at: number; id: string }>;
  }
}

/**
 * Serves the real, freshly built call-view page the way capture does (per-token page, script and
 * config with fresh internal-client auth), and opens it in Chromium at the recording's exact size.
 */
export class CallViewHost {
  private constructor(
    private readonly stack: HpbStack,
    private readonly configs: Map<string, CallViewConfig>,
    private readonly dir: string,
    private readonly server: LoopbackServer,
    private readonly browser: Browser,
  ) {}

  static async start(stack: HpbStack): Promise<CallViewHost> {
    const dir = await tempDir('call-view');
    await run(process.execPath, [buildScript, '--outdir', dir]);
    const html = await readFile(path.join(dir, 'index.html'));
    const script = await readFile(path.join(dir, 'app.js'));
    const configs = new Map<string, CallViewConfig>();
    const guarded =
      (answer: (config: CallViewConfig) => { type: string; body: string | Buffer }) =>
      (_: unknown, url: URL) => {
        const config = configs.get(url.searchParams.get('t') ?? '');
        return config ? answer(config) : { status: 404, type: 'text/plain', body: '' };
      };
    const server = await LoopbackServer.start({
      '/call-view/': guarded(() => ({ type: 'text/html', body: html })),
      '/call-view/app.js': guarded(() => ({ type: 'text/javascript', body: script })),
      '/call-view/config': guarded((config) => ({
        type: 'application/json',
        body: JSON.stringify(withFreshAuth(stack, config)),
      })),
    });
    // No loopback WebRTC flags: the page must work with the flags capture's Chromium gets.
    const browser = await launchTestChromium({
      userDataDir: path.join(dir, 'profile'),
      loopbackWebRtc: false,
    });
    return new CallViewHost(stack, configs, dir, server, browser);
  }

  async open(room: string, options: Partial<CallViewConfig> = {}): Promise<CallViewPage> {
    const token = randomBytes(16).toString('hex');
    const config: CallViewConfig = {
      recordingId: `rec-${token.slice(0, 8)}`,
      signalingUrl: this.stack.signaling.websocketUrl,
      helloAuth: { random: '', token: '', backend: '' },
      roomToken: room,
      mode: 'video',
      layout: 'grid',
      width: 1280,
      height: 720,
      iceServers: [],
      ...options,
    };
    this.configs.set(token, config);
    const page = await this.browser.newPage();
    await page.setViewport({ width: config.width, height: config.height });
    const view = new CallViewPage(page, config);
    await page.exposeFunction('talkrecReport', (report: PageReport) => view.receive(report));
    page.on('pageerror', (err) =>
      view.receive({ type: 'log', level: 'warn', message: `pageerror ${String(err)}` }),
    );
    await page.goto(`${this.server.url}/call-view/?t=${token}`);
    return view;
  }

  /** A URL of the page server with a token it never issued. */
  url(pathname: string): string {
    return `${this.server.url}${pathname}?t=${randomBytes(16).toString('hex')}`;
  }

  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop().catch(() => undefined);
    await removeDir(this.dir);
  }
}

/** A new internal-client hello for every config fetch, as capture computes it. */
function withFreshAuth(stack: HpbStack, config: CallViewConfig): CallViewConfig {
  const random = randomBytes(32).toString('hex');
  const token = createHmac('sha256', stack.internalSecret).update(random).digest('hex');
  return { ...config, helloAuth: { random, token, backend: stack.nextcloud.url } };
}

export class CallViewPage {
  readonly reports: PageReport[] = [];
  private waiters: Array<{ match: (r: PageReport) => boolean; resolve: (r: PageReport) => void }> = [];

  constructor(
    readonly page: Page,
    readonly config: CallViewConfig,
  ) {}

  receive(report: PageReport): void {
    this.reports.push(report);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(report)) return true;
      w.resolve(report);
      return false;
    });
  }

  /** Resolves with the first report (already received or coming) that matches. */
  waitForReport<T extends PageReport>(match: (r: PageReport) => r is T, timeoutMs = 20_000): Promise<T> {
    const seen = this.reports.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const tail = JSON.stringify(this.reports.slice(-15), null, 1);
        reject(new Error(`no matching page report within ${timeoutMs} ms; last reports: ${tail}`));
      }, timeoutMs);
      this.waiters.push({
        match,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r as T);
        },
      });
    });
  }

  async screenshot(): Promise<Frame> {
    const png = await this.page.screenshot({ type: 'png' });
    return decodePng(png, this.config.width, this.config.height);
  }

  tiles(): Promise<TileInfo[]> {
    return this.page.$$eval('[data-tile]', (els) =>
      els.map((e) => {
        const el = e as HTMLElement;
        const box = (r: DOMRect) => ({ x: r.x, y: r.y, width: r.width, height: r.height });
        const label = el.querySelector('.name')!;
        return {
          id: el.dataset.tile!,
          kind: el.dataset.kind as 'person' | 'screen',
          sessionId: el.dataset.sessionId!,
          role: el.dataset.role!,
          video: el.dataset.video as 'on' | 'off',
          speaking: el.dataset.speaking === 'true',
          label: label.textContent ?? '',
          rect: box(el.getBoundingClientRect()),
          labelRect: box(label.getBoundingClientRect()),
        };
      }),
    );
  }

  /** Resolves once every tile video has presented `count` more frames (frames are events; no sleeping). */
  waitForVideoFrames(count: number, timeoutMs = 10_000): Promise<void> {
    return this.page.evaluate(
      (n, limit) => {
        const videos = [...document.querySelectorAll<HTMLVideoElement>('.tile video')].filter(
          (v) => v.srcObject,
        );
        const frames = videos.map(
          (v) =>
            new Promise<void>((resolve) => {
              let seen = 0;
              const next = () => (++seen >= n ? resolve() : v.requestVideoFrameCallback(next));
              v.requestVideoFrameCallback(next);
            }),
        );
        const timeout = new Promise<void>((_, reject) =>
          setTimeout(() => reject(new Error('no video frames')), limit),
        );
        return Promise.race([Promise.all(frames).then(() => undefined), timeout]);
      },
      count,
      timeoutMs,
    );
  }

  /**
   * Levels (dBFS) at the given frequencies in each participant's played audio, measured with
   * WebAudio analysers on the streams the page's `<audio>` elements play.
   */
  toneLevels(frequencies: number[], windowMs = 700): Promise<Record<string, Record<number, number>>> {
    return this.page.evaluate(
      async (freqs, ms) => {
        const ctx = new AudioContext();
        await ctx.resume();
        const players = [...document.querySelectorAll<HTMLAudioElement>('audio')].filter((a) =>
          a.dataset.key?.endsWith('|video'),
        );
        const analysers = players.map((a) => {
          const analyser = ctx.createAnalyser();
          analyser.fftSize = 8192;
          ctx.createMediaStreamSource(a.srcObject as MediaStream).connect(analyser);
          return { id: a.dataset.sessionId!, analyser };
        });
        // The analysers need a window of audio to measure.
        await new Promise((r) => setTimeout(r, ms));
        const out: Record<string, Record<number, number>> = {};
        for (const { id, analyser } of analysers) {
          const data = new Float32Array(analyser.frequencyBinCount);
          analyser.getFloatFrequencyData(data);
          const level = (f: number) => {
            const bin = Math.round((f * analyser.fftSize) / ctx.sampleRate);
            return Math.max(data[bin - 1] ?? -200, data[bin] ?? -200, data[bin + 1] ?? -200);
          };
          out[id] = Object.fromEntries(freqs.map((f) => [f, level(f)]));
        }
        await ctx.close();
        return out;
      },
      frequencies,
      windowMs,
    );
  }

  /** Starts recording which person tile is the main one, on every DOM change (flicker shows up here). */
  async recordMainTile(): Promise<void> {
    await this.page.evaluate(() => {
      const history: Array<{ at: number; id: string }> = [];
      window.mainTileHistory = history;
      const note = () => {
        const main = document.querySelector<HTMLElement>('[data-kind="person"][data-role="main"]');
        const id = main?.dataset.sessionId ?? '';
        if (history[history.length - 1]?.id !== id) history.push({ at: Date.now(), id });
      };
      note();
      new MutationObserver(note).observe(document.body, { subtree: true, attributes: true, childList: true });
    });
  }

  mainTileHistory(): Promise<Array<{ at: number; id: string }>> {
    return this.page.evaluate(() => window.mainTileHistory ?? []);
  }

  /** The session id of the promoted person, once it is `sessionId`. */
  async waitForMainPerson(sessionId: string, timeoutMs = 15_000): Promise<void> {
    await this.page.waitForFunction(
      (id) =>
        document.querySelector<HTMLElement>('[data-kind="person"][data-role="main"]')?.dataset.sessionId ===
        id,
      { timeout: timeoutMs },
      sessionId,
    );
  }

  async close(): Promise<void> {
    await this.page.close({ runBeforeUnload: false }).catch(() => undefined);
  }
}
