import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@talkrec/platform';
import type { CallViewConfig, PageReport } from '../page/protocol.js';
import type { GrabPlan } from '../core/ffmpeg-args.js';
import { sinkName } from '../core/pulse.js';
import type { CallViewBrowser, Chromium } from '../adapters/chromium/chromium.js';
import type { FfmpegGrabber, GrabEvents, GrabProcess } from '../adapters/ffmpeg/ffmpeg-grab.js';
import type { PageServer } from '../adapters/page-server/page-server.js';
import type { PulseAudio, PulseSink } from '../adapters/pulse/pulse-audio.js';
import type { Xvfb, XvfbDisplay } from '../adapters/xvfb/xvfb.js';

export interface SessionTools {
  xvfb: Xvfb;
  pulse: PulseAudio;
  chromium: Chromium;
  pages: PageServer;
  grabber: FfmpegGrabber;
  /** Folder under which each session gets its own. */
  sessionsDir: string;
  displayBase: number;
}

/**
 * The resources of one recording in one slot: its X display, PulseAudio sink, Chromium, page
 * registration and ffmpeg, plus a scratch folder. `prepare` starts display, sink and browser (a
 * standby session stops there until a recording of its size comes), `open` shows the recording's
 * call-view page, `close` releases everything; it is safe to call at any point, any number of times.
 */
export class CaptureSession {
  readonly dir: string;
  readonly segmentsDir: string;
  private display: XvfbDisplay | undefined;
  private sink: PulseSink | undefined;
  private browser: CallViewBrowser | undefined;
  private revokePage: (() => void) | undefined;
  private grab: GrabProcess | undefined;
  private preparing: Promise<void> | undefined;
  private opening: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private lost: string | undefined;
  readonly sinkName: string;

  constructor(
    private readonly tools: SessionTools,
    readonly slot: number,
    readonly size: { width: number; height: number },
    private readonly log: Logger,
  ) {
    const id = `s${slot}-${randomBytes(4).toString('hex')}`;
    this.dir = path.join(tools.sessionsDir, id);
    this.segmentsDir = path.join(this.dir, 'segments');
    this.sinkName = sinkName(id);
  }

  get displayName(): string {
    return this.display?.name ?? `:${this.tools.displayBase + this.slot}`;
  }

  /** Resolves with a reason when Chromium dies on its own (never, before it runs). */
  get browserLost(): Promise<string> {
    return this.browser?.lost ?? new Promise(() => undefined);
  }

  get browserPid(): number {
    return this.browser?.pid ?? 0;
  }

  /** True while it was never pointed at a recording and nothing of it closed or died: a standby. */
  get idle(): boolean {
    return !this.opening && !this.closing && this.lost === undefined;
  }

  /** Display, sink and a browser on a blank page. */
  prepare(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('session closed'));
    this.preparing ??= this.build();
    return this.preparing;
  }

  /** Prepares (unless done) and shows the call-view page; the page's reports go to `onReport`. */
  open(
    configFor: () => CallViewConfig | Promise<CallViewConfig>,
    onReport: (report: PageReport) => void,
  ): Promise<void> {
    if (this.closing) return Promise.reject(new Error('session closed'));
    this.opening ??= (async () => {
      await this.prepare();
      const page = this.tools.pages.open(configFor);
      this.revokePage = page.revoke;
      await this.browser!.load(page.url, onReport);
    })();
    return this.opening;
  }

  private async build(): Promise<void> {
    const started = performance.now();
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(this.segmentsDir, { recursive: true });
    const { width, height } = this.size;
    const [display, sink] = await Promise.allSettled([
      this.tools.xvfb.start(this.tools.displayBase + this.slot, { width, height }),
      this.tools.pulse.createSink(this.sinkName),
    ]);
    if (display.status === 'fulfilled') this.display = display.value;
    if (sink.status === 'fulfilled') this.sink = sink.value;
    if (display.status === 'rejected') throw display.reason;
    if (sink.status === 'rejected') throw sink.reason;
    const displayMs = Math.round(performance.now() - started);
    this.browser = await this.tools.chromium.launch({
      display: this.display!.name,
      pulseServer: this.tools.pulse.server,
      sink: this.sink!.name,
      width,
      height,
      profileDir: path.join(this.dir, 'profile'),
      homeDir: path.join(this.dir, 'home'),
    });
    void this.browser.lost.then((reason) => (this.lost = reason));
    this.log.info(
      {
        display: this.display!.name,
        sink: this.sink!.name,
        browserPid: this.browser.pid,
        displayMs,
        browserMs: Math.round(performance.now() - started) - displayMs,
      },
      'session prepared',
    );
  }

  /** Starts ffmpeg on this session's display and sink. */
  startGrab(plan: Omit<GrabPlan, 'display' | 'pulseSource' | 'dir'>, events: GrabEvents): GrabProcess {
    if (!this.display || !this.sink) throw new Error('session not open');
    this.grab = this.tools.grabber.start(
      { ...plan, display: this.display.name, pulseSource: this.sink.monitor, dir: this.segmentsDir },
      this.tools.pulse.server,
      events,
      this.log,
    );
    return this.grab;
  }

  /**
   * Releases everything in reverse order of creation and removes the scratch folder (segments must be
   * stored before). `fast` kills the browser instead of closing it.
   */
  close(fast = false): Promise<void> {
    this.closing ??= (async () => {
      // A close during prepare/open waits for the step in progress, so nothing it creates is left behind.
      await this.preparing?.catch(() => undefined);
      await this.opening?.catch(() => undefined);
      const steps: Array<[string, () => Promise<unknown>]> = [
        ['ffmpeg', async () => this.grab?.alive && (await this.grab.kill())],
        ['chromium', async () => this.browser?.close(fast)],
        ['page', () => Promise.resolve(this.revokePage?.())],
        ['sink', async () => this.sink?.close()],
        ['xvfb', async () => this.display?.close()],
        ['scratch', () => rm(this.dir, { recursive: true, force: true })],
      ];
      for (const [what, step] of steps) {
        await step().catch((err: unknown) => this.log.warn({ err, what }, 'session cleanup step failed'));
      }
      this.log.info('session closed');
    })();
    return this.closing;
  }
}
