import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HpbStack, SyntheticParticipant } from '@talkrec/testing';
import type { PageReport } from '../protocol.js';
import { computeLayout } from '../app/core/layout.js';
import { CallViewHost, type CallViewPage, type TileInfo } from './call-view.test-helpers.js';
import {
  brightShare,
  maxDeviation,
  meanDifference,
  meanLuma,
  shrink,
  type Frame,
} from './frame.test-helpers.js';

type Report<T extends PageReport['type']> = Extract<PageReport, { type: T }>;
const is =
  <T extends PageReport['type']>(type: T, also: (r: Report<T>) => boolean = () => true) =>
  (r: PageReport): r is Report<T> =>
    r.type === type && also(r as Report<T>);

const BACKGROUND: [number, number, number] = [0x16, 0x18, 0x1d];
const ALICE_HZ = 440;
const BOB_HZ = 700;

/**
 * The rectangles the layout promises for the tiles the page shows. People are taken in reading order
 * (main first, then top-down, left to right), which is the order the layout fills places in.
 */
function expectedRects(page: CallViewPage, tiles: TileInfo[], speaker?: string) {
  const rank = (t: TileInfo) => (t.role === 'main' ? 0 : 1);
  const people = tiles
    .filter((t) => t.kind === 'person')
    .sort((a, b) => rank(a) - rank(b) || a.rect.y - b.rect.y || a.rect.x - b.rect.x)
    .map((t) => t.id);
  const screens = tiles.filter((t) => t.kind === 'screen').map((t) => t.id);
  const layout = computeLayout({
    width: page.config.width,
    height: page.config.height,
    mode: page.config.layout,
    people,
    screens,
    ...(speaker ? { speaker: `p:${speaker}` } : {}),
  });
  return Object.fromEntries(layout.map((t) => [t.id, t.rect]));
}

function expectNamesDrawn(frame: Frame, tiles: TileInfo[]): void {
  for (const t of tiles) {
    // White text on the dark label: some bright pixels, but a mostly dark box.
    const share = brightShare(frame, t.labelRect);
    expect(share, `name pixels on ${t.label}`).toBeGreaterThan(0.04);
    expect(share).toBeLessThan(0.6);
  }
}

describe('call-view page (real signaling + Janus, synthetic participants, Chromium)', () => {
  let stack: HpbStack;
  let host: CallViewHost;
  let alice: SyntheticParticipant;
  let bob: SyntheticParticipant;
  let grid: CallViewPage;
  const room = `cv${Date.now().toString(36)}`;

  beforeAll(async () => {
    stack = await HpbStack.start({ janus: true });
    stack.nextcloud.directory.addUser('alice', 'Alice Anders');
    stack.nextcloud.directory.addUser('bob', 'Bob Brown');
    stack.nextcloud.directory.addRoom(room, ['alice', 'bob'], 'Weekly sync');
    host = await CallViewHost.start(stack);
  });

  afterAll(async () => {
    await alice?.stop();
    await bob?.stop();
    await host?.stop();
    await stack?.stop();
  });

  it('serves nothing without a known token', async () => {
    for (const p of ['/call-view/', '/call-view/app.js', '/call-view/config']) {
      expect((await fetch(host.url(p))).status).toBe(404);
    }
  });

  it('paints a clean waiting frame and reports ready while nobody is in the call', async () => {
    grid = await host.open(room, { layout: 'grid' });
    await grid.waitForReport(is('ready'));
    expect(await grid.tiles()).toEqual([]);
    const frame = await grid.screenshot();
    const { width, height } = grid.config;
    expect(frame.width).toBe(width);
    // Flat background around a centred message.
    expect(maxDeviation(frame, { x: 0, y: 0, width, height: Math.round(height * 0.3) }, BACKGROUND)).toBe(0);
    expect(
      maxDeviation(
        frame,
        { x: 0, y: Math.round(height * 0.7), width, height: Math.round(height * 0.3) },
        BACKGROUND,
      ),
    ).toBe(0);
    expect(
      brightShare(frame, { x: 0, y: Math.round(height * 0.4), width, height: Math.round(height * 0.2) }, 150),
    ).toBeGreaterThan(0.002);
    expect(await grid.page.$eval('#waiting', (e) => e.textContent)).toContain('Waiting for participants');
    expect(grid.reports.some(is('media', (r) => r.flowing))).toBe(false);
    expect(grid.reports.filter(is('error'))).toEqual([]);
  });

  it('subscribes to every publisher, plays each tone, reports who is in the call but never itself', async () => {
    [alice, bob] = await Promise.all([
      SyntheticParticipant.start({ stack, room, userId: 'alice', toneHz: ALICE_HZ, hue: 0 }),
      SyntheticParticipant.start({ stack, room, userId: 'bob', toneHz: BOB_HZ, hue: 150 }),
    ]);
    await alice.enterCall();
    await bob.enterCall();

    const both = await grid.waitForReport(is('participants', (r) => r.participants.length === 2));
    expect(both.participants.map((p) => p.sessionId).sort()).toEqual([alice.sessionId, bob.sessionId].sort());
    expect(both.participants.map((p) => p.displayName).sort()).toEqual(['Alice Anders', 'Bob Brown']);
    expect(both.participants.every((p) => p.publishing)).toBe(true);
    await grid.waitForReport(is('media', (r) => r.flowing));
    await grid.page.waitForFunction(() => document.querySelectorAll('[data-video="on"]').length === 2);

    const levels = await grid.toneLevels([ALICE_HZ, BOB_HZ]);
    expect(Object.keys(levels).sort()).toEqual([alice.sessionId, bob.sessionId].sort());
    const a = levels[alice.sessionId]!;
    const b = levels[bob.sessionId]!;
    expect(a[ALICE_HZ]).toBeGreaterThan(-50);
    expect(a[ALICE_HZ]! - a[BOB_HZ]!).toBeGreaterThan(20);
    expect(b[BOB_HZ]).toBeGreaterThan(-50);
    expect(b[BOB_HZ]! - b[ALICE_HZ]!).toBeGreaterThan(20);

    // Only the two people, in every report: the recorder never lists itself.
    for (const r of grid.reports.filter(is('participants'))) {
      expect(r.participants.every((p) => [alice.sessionId, bob.sessionId].includes(p.sessionId))).toBe(true);
    }
  });

  it('lays out a grid: one tile per person where the layout puts it, names drawn, video not black and moving', async () => {
    const tiles = await grid.tiles();
    expect(tiles.map((t) => t.label).sort()).toEqual(['Alice Anders', 'Bob Brown']);
    expect(tiles.every((t) => t.kind === 'person' && t.role === 'grid' && t.video === 'on')).toBe(true);
    const expected = expectedRects(grid, tiles);
    for (const t of tiles) expect(t.rect).toEqual(expected[t.id]);

    const first = await grid.screenshot();
    await grid.waitForVideoFrames(8);
    const second = await grid.screenshot();
    expectNamesDrawn(first, tiles);
    for (const t of tiles) {
      const inside = shrink(t.rect, 12);
      expect(meanLuma(first, inside), `${t.label} not black`).toBeGreaterThan(40);
      expect(meanDifference(first, second, inside), `${t.label} moves`).toBeGreaterThan(1);
    }
    // Between and around the tiles: the plain background.
    const left = tiles.reduce((m, t) => Math.min(m, t.rect.x), Infinity);
    expect(maxDeviation(first, { x: 0, y: 0, width: left - 1, height: grid.config.height }, BACKGROUND)).toBe(
      0,
    );
  });

  it('promotes whoever speaks in speaker view, without flicker, and reports speaking start and stop', async () => {
    await grid.close();
    await bob.setTalking(false);
    const speaker = await host.open(room, { layout: 'speaker' });
    await speaker.waitForReport(is('ready'));
    await speaker.waitForReport(is('speaking', (r) => r.sessionId === alice.sessionId && r.speaking));
    await speaker.waitForMainPerson(alice.sessionId);
    await speaker.recordMainTile();

    // Alice stops, Bob talks: Bob takes over once Alice's hold time is over.
    await alice.setTalking(false);
    await bob.setTalking(true);
    const aliceStop = await speaker.waitForReport(
      is('speaking', (r) => r.sessionId === alice.sessionId && !r.speaking),
    );
    const bobStart = await speaker.waitForReport(
      is('speaking', (r) => r.sessionId === bob.sessionId && r.speaking),
    );
    expect(bobStart.displayName).toBe('Bob Brown');
    expect(bobStart.userId).toBe('bob');
    await speaker.waitForMainPerson(bob.sessionId);

    // A short word from Alice while Bob talks does not move the view.
    const blipFrom = Date.now();
    await alice.setTalking(true);
    await speaker.waitForReport(
      is('speaking', (r) => r.sessionId === alice.sessionId && r.speaking && r.at >= aliceStop.at + 1),
    );
    await alice.setTalking(false);
    await speaker.waitForReport(
      is('speaking', (r) => r.sessionId === alice.sessionId && !r.speaking && r.at > blipFrom),
    );
    const history = await speaker.mainTileHistory();
    expect(history.map((h) => h.id)).toEqual([alice.sessionId, bob.sessionId]);

    const tiles = await speaker.tiles();
    const main = tiles.find((t) => t.role === 'main')!;
    const strip = tiles.find((t) => t.role === 'strip')!;
    expect(main.sessionId).toBe(bob.sessionId);
    expect(main.rect.width).toBeGreaterThan(strip.rect.width * 3);
    const expected = expectedRects(speaker, tiles, bob.sessionId);
    for (const t of tiles) expect(t.rect).toEqual(expected[t.id]);
    const frame = await speaker.screenshot();
    expectNamesDrawn(frame, tiles);
    expect(meanLuma(frame, shrink(main.rect, 20))).toBeGreaterThan(40);

    // Start and stop alternate per person, in time order.
    for (const id of [alice.sessionId, bob.sessionId]) {
      const marks = speaker.reports.filter(is('speaking', (r) => r.sessionId === id));
      marks.forEach((m, i) => expect(m.speaking).toBe(i % 2 === 0));
      marks.slice(1).forEach((m, i) => expect(m.at).toBeGreaterThanOrEqual(marks[i]!.at));
    }
    await speaker.close();
  });

  it('puts a screen share first and biggest in both layouts, and drops it when sharing stops', async () => {
    await alice.shareScreen();
    for (const layout of ['speaker', 'grid'] as const) {
      const view = await host.open(room, { layout });
      await view.waitForReport(is('ready'));
      await view.page.waitForFunction(
        () => document.querySelector('[data-kind="screen"]')?.getAttribute('data-video') === 'on',
        { timeout: 20_000 },
      );
      const tiles = await view.tiles();
      const screen = tiles.find((t) => t.kind === 'screen')!;
      expect(screen.role).toBe('main');
      expect(screen.label).toBe('Alice Anders (screen)');
      for (const t of tiles.filter((x) => x !== screen)) {
        expect(t.role).toBe('strip');
        expect(t.rect.width * t.rect.height).toBeLessThan((screen.rect.width * screen.rect.height) / 4);
        expect(t.rect.x).toBeGreaterThanOrEqual(screen.rect.x + screen.rect.width);
      }
      const frame = await view.screenshot();
      // The slide is light: the screen tile is bright where cameras are mid-grey.
      expect(meanLuma(frame, shrink(screen.rect, 30))).toBeGreaterThan(120);
      expectNamesDrawn(frame, tiles);
      if (layout === 'grid') {
        await alice.stopScreen();
        await view.page.waitForFunction(() => !document.querySelector('[data-kind="screen"]'), {
          timeout: 15_000,
        });
        expect((await view.tiles()).map((t) => t.role)).toEqual(['grid', 'grid']);
      }
      await view.close();
    }
  });

  it('receives audio only for audio-only recordings: both tones, no video decoded, avatars with names', async () => {
    await alice.setTalking(true);
    const view = await host.open(room, { layout: 'grid', mode: 'audio' });
    await view.waitForReport(is('media', (r) => r.flowing));
    await view.page.waitForFunction(() => document.querySelectorAll('audio').length === 2);
    const levels = await view.toneLevels([ALICE_HZ, BOB_HZ]);
    expect(levels[alice.sessionId]![ALICE_HZ]).toBeGreaterThan(-50);
    expect(levels[bob.sessionId]![BOB_HZ]).toBeGreaterThan(-50);
    const tiles = await view.tiles();
    expect(tiles.map((t) => [t.label, t.video]).sort()).toEqual([
      ['Alice Anders', 'off'],
      ['Bob Brown', 'off'],
    ]);
    expect(await view.page.$$eval('video', (vs) => vs.filter((v) => v.srcObject).length)).toBe(0);
    const frame = await view.screenshot();
    expectNamesDrawn(frame, tiles);
    await view.close();
  });

  it('follows a publisher that publishes anew in the same session, then drops a participant who leaves', async () => {
    const view = await host.open(room, { layout: 'grid' });
    await view.waitForReport(is('participants', (r) => r.participants.length === 2));
    await view.page.waitForFunction(() => document.querySelectorAll('[data-video="on"]').length === 2);
    const bobVideo = `[data-session-id="${bob.sessionId}"][data-kind="person"] video`;
    await view.page.$eval(
      bobVideo,
      (v) => ((window as unknown as { before: unknown }).before = (v as HTMLVideoElement).srcObject),
    );
    await bob.republish();
    // Janus keeps the old subscription up without media; the page notices the stall and subscribes again.
    await view.page.waitForFunction(
      (sel) => {
        const video = document.querySelector<HTMLVideoElement>(sel);
        const tile = video?.closest('[data-tile]');
        const before = (window as unknown as { before: unknown }).before;
        return (
          tile?.getAttribute('data-video') === 'on' &&
          video!.srcObject !== null &&
          video!.srcObject !== before
        );
      },
      { timeout: 20_000 },
      bobVideo,
    );

    await bob.leave();
    await view.waitForReport(is('participants', (r) => r.participants.length === 1));
    await view.page.waitForFunction(() => document.querySelectorAll('[data-tile]').length === 1);
    const [only] = await view.tiles();
    expect(only!.sessionId).toBe(alice.sessionId);
    expect(only!.role).toBe('main');
    expect(view.reports.filter(is('error'))).toEqual([]);
    expect(stack.nextcloud.violations).toEqual([]);
    await view.close();
  });
});
