import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HpbStack } from '../hpb-stack.js';
import { SignalingClient } from '../clients/signaling-client.js';
import { SyntheticParticipant } from './synthetic-participant.js';

describe('synthetic participants (real signaling 0.4.1 + Janus + Chromium)', () => {
  let stack: HpbStack;
  const started: SyntheticParticipant[] = [];
  const room = `syn${Date.now().toString(36)}`;

  beforeAll(async () => {
    stack = await HpbStack.start({ janus: true });
    stack.nextcloud.directory.addRoom(room, []);
  });

  afterAll(async () => {
    for (const p of started) await p.stop();
    await stack?.stop();
  });

  it('joins as a user with a ticket, enters the call and publishes camera, microphone and a screen through Janus', async () => {
    const alice = await SyntheticParticipant.start({
      stack,
      room,
      userId: 'alice',
      displayName: 'Alice A.',
      toneHz: 440,
    });
    started.push(alice);
    expect(alice.sessionId).not.toBe('');

    const observer = await SignalingClient.connect(stack.signaling.websocketUrl);
    await observer.helloInternal(stack.nextcloud.url, stack.internalSecret);
    await observer.joinRoom(room);
    const joinEvent = await observer.waitFor((m) => JSON.stringify(m).includes('"displayname":"Alice A."'));
    expect(JSON.stringify(joinEvent)).toContain(alice.sessionId);

    await alice.enterCall();
    await observer.waitFor(
      (m) => JSON.stringify(m).includes('"inCall":7') && JSON.stringify(m).includes(alice.sessionId),
    );
    const first = await alice.sentBytes();
    await alice.shareScreen();
    // Byte counters have no event of their own: poll the publishers' stats.
    await expect.poll(async () => (await alice.sentBytes()).screen, { timeout: 5_000 }).toBeGreaterThan(0);
    const second = await alice.sentBytes();
    expect(second.audio).toBeGreaterThan(first.audio);
    expect(second.video).toBeGreaterThan(first.video);

    await alice.stopScreen();
    await alice.leave();
    await observer.waitFor(
      (m) => JSON.stringify(m).includes('"leave"') && JSON.stringify(m).includes(alice.sessionId),
      15_000,
    );
    await observer.close();
    expect(alice.logs.filter((l) => l.level === 'warn')).toEqual([]);
    expect(stack.nextcloud.violations).toEqual([]);
  });
});
