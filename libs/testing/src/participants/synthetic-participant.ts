import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { signalingPaths } from '@talkrec/contracts';
import type { HpbStack } from '../hpb-stack.js';
import { removeDir, tempDir } from '../servers/process.js';
import { launchTestChromium } from './chromium.js';
import { makeFakeMedia } from './fake-media.js';
import { LoopbackServer } from './loopback-server.js';
import type { ParticipantPageApi, ParticipantPageConfig, ParticipantPageReport } from './page/api.js';
import { participantPageScript } from './page-bundle.js';

export interface SyntheticParticipantOptions {
  stack: HpbStack;
  /** Room token; the room must exist in the stand-in's directory (the user is added to it). */
  room: string;
  userId: string;
  displayName?: string;
  /** The microphone's tone (Hz): each participant gets its own, so a recording can tell them apart. */
  toneHz: number;
  /** Hue rotation of the camera's test pattern (degrees). */
  hue?: number;
}

/** The page's API on its global object, named without DOM types (Node programs import this file). */
type PageGlobal = typeof globalThis & { participant: ParticipantPageApi };
/**
 * A Talk user in a real call, for tests and the demo: its own Chromium with a fake camera (moving
 * test pattern with its name) and microphone (its own tone), a small page that speaks signaling
 * through the HPB as that user (ticket checked by the Nextcloud stand-in), and Janus for media.
 *
 * `start()` connects and joins the room; `enterCall()` flags the user in the call (what Talk's
 * `POST /call` makes Nextcloud tell the HPB) and then publishes camera and microphone.
 */
export class SyntheticParticipant {
  /** What the page logged (signaling and WebRTC trouble shows up here). */
  readonly logs: ParticipantPageReport[] = [];
  sessionId = '';

  private constructor(
    readonly options: SyntheticParticipantOptions,
    readonly displayName: string,
    private readonly dir: string,
    private readonly server: LoopbackServer,
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async start(options: SyntheticParticipantOptions): Promise<SyntheticParticipant> {
    const { stack, room, userId } = options;
    const directory = stack.nextcloud.directory;
    const user = directory.users.get(userId) ?? directory.addUser(userId, options.displayName ?? userId);
    const known = directory.rooms.get(room);
    if (!known) throw new Error(`synthetic participant: room ${room} is not in the stand-in's directory`);
    if (!known.participants.includes(userId)) known.participants.push(userId);

    const dir = await tempDir(`participant-${userId}`);
    const cleanup: Array<() => Promise<unknown>> = [() => removeDir(dir)];
    try {
      const media = await makeFakeMedia({
        dir,
        label: user.displayName,
        hue: options.hue ?? 0,
        toneHz: options.toneHz,
      });
      const script = await participantPageScript();
      const server = await LoopbackServer.start({
        '/': () => ({
          type: 'text/html',
          body: '<!doctype html><meta charset="utf-8"><script src="/participant.js"></script>',
        }),
        '/participant.js': () => ({ type: 'text/javascript', body: script }),
      });
      cleanup.unshift(() => server.stop());
      const browser = await launchTestChromium({
        userDataDir: path.join(dir, 'profile'),
        args: [
          '--use-fake-ui-for-media-stream',
          '--use-fake-device-for-media-stream',
          `--use-file-for-fake-video-capture=${media.video}`,
          `--use-file-for-fake-audio-capture=${media.audio}`,
        ],
      });
      cleanup.unshift(() => browser.close());
      const page = await browser.newPage();
      const participant = new SyntheticParticipant(options, user.displayName, dir, server, browser, page);
      await page.exposeFunction('participantReport', (report: ParticipantPageReport) => {
        participant.logs.push(report);
      });
      page.on('pageerror', (err) => participant.logs.push({ level: 'warn', message: String(err) }));
      await page.goto(server.url, { waitUntil: 'load' });
      const config: ParticipantPageConfig = {
        signalingUrl: stack.signaling.websocketUrl,
        backendUrl: stack.nextcloud.url + signalingPaths.nextcloudBackendV1,
        userId,
        ticket: user.ticket,
        roomId: room,
        nextcloudSessionId: `nc-sess-${userId}-${randomBytes(6).toString('hex')}`,
        displayName: user.displayName,
        screenLabel: `${user.displayName}'s slides`,
        hue: options.hue ?? 0,
      };
      const joined = await page.evaluate((c) => (globalThis as PageGlobal).participant.connect(c), config);
      participant.sessionId = joined.sessionId;
      return participant;
    } catch (err) {
      for (const step of cleanup) await step().catch(() => undefined);
      throw err;
    }
  }

  get userId(): string {
    return this.options.userId;
  }

  /** Flags the user in the call with audio+video (first: on 0.4.1 a later flag change would drop the publisher), then publishes. */
  async enterCall(): Promise<void> {
    await this.flagInCall(7);
    await this.page.evaluate(() => (globalThis as PageGlobal).participant.publishCamera());
  }

  /** What Nextcloud tells the HPB when the user joins (flags ≠ 0) or leaves (0) the call. */
  async flagInCall(flags: number): Promise<void> {
    const answer = await this.options.stack.nextcloud.hpb.setInCall(this.options.room, this.userId, flags);
    if (answer.status !== 200) {
      throw new Error(`incall for ${this.userId} failed: ${answer.status} ${answer.body}`);
    }
  }

  /** Publishes camera and microphone again on a new PeerConnection, in the same signaling session. */
  republish(): Promise<void> {
    return this.page.evaluate(() => (globalThis as PageGlobal).participant.republishCamera());
  }

  shareScreen(): Promise<void> {
    return this.page.evaluate(() => (globalThis as PageGlobal).participant.shareScreen());
  }

  stopScreen(): Promise<void> {
    return this.page.evaluate(() => (globalThis as PageGlobal).participant.stopScreen());
  }

  /** Unmutes or silences the microphone: the tone is what "speaking" sounds like. */
  setTalking(talking: boolean): Promise<void> {
    return this.page.evaluate((t) => (globalThis as PageGlobal).participant.setTalking(t), talking);
  }

  sentBytes(): Promise<{ audio: number; video: number; screen: number }> {
    return this.page.evaluate(() => (globalThis as PageGlobal).participant.sentBytes());
  }

  /** Leaves the call (flag 0, as Talk does) and the room. */
  async leave(): Promise<void> {
    await this.flagInCall(0);
    await this.page.evaluate(() => (globalThis as PageGlobal).participant.leave());
  }

  /** Closes Chromium and removes the temp files; safe to call twice. */
  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop().catch(() => undefined);
    await removeDir(this.dir);
  }
}
