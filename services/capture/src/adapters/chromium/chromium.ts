import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { inject, injectable } from 'tsyringe';
import { TOKENS, type Logger } from '@talkrec/platform';
import type { CaptureConfig } from '../../config.js';
import { CAPTURE_TOKENS } from '../../tokens.js';
import { buildChromiumArgs } from '../../core/chromium-args.js';
import { CaptureError } from '../../core/failures.js';
import { parsePageReport } from '../../core/page-report.js';
import type { PageReport } from '../../page/protocol.js';
import { killGroup } from '../process/proc.js';
import { ProcessSupervisor } from '../process/supervisor.js';

const LAUNCH_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 5_000;

export interface BrowserLaunch {
  /** X display, `:N`. */
  display: string;
  pulseServer: string;
  sink: string;
  width: number;
  height: number;
  /** Chromium profile folder (removed with the session). */
  profileDir: string;
  /** HOME of the browser: crashpad writes there even with a profile folder. */
  homeDir: string;
}

/** A recording browser: started on a blank page, then pointed at one recording's call-view page. */
export class CallViewBrowser {
  /** Resolves with a reason when the browser or the page dies on its own. */
  readonly lost: Promise<string>;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly browser: Browser,
    readonly page: Page,
    private readonly release: () => Promise<void>,
    private readonly log: Logger,
  ) {
    this.lost = new Promise((resolve) => {
      browser.once('disconnected', () => resolve('browser disconnected'));
      page.once('error', (err) => resolve(`page crashed: ${err.message}`));
    });
  }

  get pid(): number {
    return this.browser.process()?.pid ?? 0;
  }

  /** Opens the call-view page; its reports (checked against the protocol) go to `onReport`. */
  async load(url: string, onReport: (report: PageReport) => void): Promise<void> {
    try {
      await this.page.exposeFunction('talkrecReport', (raw: unknown) => {
        const report = parsePageReport(raw);
        if (report) onReport(report);
        else this.log.warn({ report: raw }, 'page report outside the protocol');
      });
      this.page.on('pageerror', (err) => this.log.warn({ err }, 'page script error'));
      await this.page.goto(url, { waitUntil: 'load', timeout: LAUNCH_TIMEOUT_MS });
    } catch (err) {
      throw new CaptureError(
        'page_load_failed',
        `the call-view page did not load: ${(err as Error).message}`,
        false,
        {
          cause: err,
        },
      );
    }
  }

  /** Closes the browser (killed at once when `fast`, or when it does not close in time). Idempotent. */
  close(fast = false): Promise<void> {
    this.closing ??= (async () => {
      const pid = this.pid;
      if (!fast) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          this.browser.close().catch(() => undefined),
          new Promise((r) => (timer = setTimeout(r, CLOSE_TIMEOUT_MS))),
        ]);
        clearTimeout(timer);
      }
      if (pid) killGroup(pid, 'SIGKILL');
      await this.release();
    })();
    return this.closing;
  }
}

/**
 * Launches Debian's Chromium through puppeteer on a recording's display and sink. The DevTools pipe is
 * the parent-death link: when the service dies the pipe closes and Chromium exits with its whole tree.
 */
@injectable()
export class Chromium {
  constructor(
    @inject(CAPTURE_TOKENS.Config) private readonly config: CaptureConfig,
    @inject(ProcessSupervisor) private readonly procs: ProcessSupervisor,
    @inject(TOKENS.Logger) private readonly log: Logger,
  ) {}

  async launch(opts: BrowserLaunch): Promise<CallViewBrowser> {
    const log = this.log.child({ display: opts.display });
    const asRoot = process.getuid?.() === 0;
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath: this.config.CHROMIUM_PATH,
        // Headless Chromium adds --mute-audio: the recording would be silent.
        headless: false,
        pipe: true,
        defaultViewport: null,
        ignoreDefaultArgs: ['--enable-automation'],
        // The service decides when its browsers close (after the last segment), not puppeteer's handlers.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        timeout: LAUNCH_TIMEOUT_MS,
        userDataDir: opts.profileDir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: opts.homeDir,
          DISPLAY: opts.display,
          PULSE_SERVER: opts.pulseServer,
          PULSE_SINK: opts.sink,
        },
        args: buildChromiumArgs({
          width: opts.width,
          height: opts.height,
          noSandbox: asRoot || this.config.CHROMIUM_NO_SANDBOX,
        }),
      });
    } catch (err) {
      throw new CaptureError('chromium_failed', `Chromium did not start: ${(err as Error).message}`, false, {
        cause: err,
      });
    }
    const pid = browser.process()?.pid ?? 0;
    if (pid) await this.procs.adopt('chromium', pid);
    const release = () => (pid ? this.procs.release(pid) : Promise.resolve());
    try {
      const page = (await browser.pages())[0] ?? (await browser.newPage());
      return new CallViewBrowser(browser, page, release, log);
    } catch (err) {
      if (pid) killGroup(pid, 'SIGKILL');
      await release();
      throw new CaptureError('chromium_failed', `Chromium has no page: ${(err as Error).message}`, false, {
        cause: err,
      });
    }
  }
}
