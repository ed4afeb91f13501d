import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HpbEnvelope, HPB_BACKEND_ROOM_FILTER, parseHpbBackendRoomSubject } from '@talkrec/contracts';
import { HpbStack } from './hpb-stack.js';
import { SignalingClient } from './clients/signaling-client.js';
import { NatsTap } from './clients/nats-tap.js';

describe('HPB stack (real nats-server + signaling 0.4.1 + Nextcloud stand-in)', () => {
  let stack: HpbStack;
  let tap: NatsTap;

  beforeAll(async () => {
    stack = await HpbStack.start();
    stack.nextcloud.directory.addUser('alice', 'Alice A.');
    stack.nextcloud.directory.addUser('bob', 'Bob B.');
    stack.nextcloud.directory.addRoom('abcd1234', ['alice', 'bob']);
    tap = await NatsTap.start(stack.nats.url, HPB_BACKEND_ROOM_FILTER);
  });

  afterAll(async () => {
    await tap?.stop();
    await stack?.stop();
  });

  const nextOn = (predicate: (body: HpbEnvelope) => boolean) =>
    tap.waitFor((m) => predicate(m.json as HpbEnvelope));

  it('relays a signed incall request on backend.room with the signaling session id', async () => {
    const alice = await stack.connectUser('alice', 'abcd1234');
    const answer = await stack.nextcloud.hpb.joinCall('abcd1234', 'alice', 7);
    expect(answer.status).toBe(200);
    const msg = await nextOn((b) => b.room?.type === 'incall');
    expect(parseHpbBackendRoomSubject(msg.subject)).toEqual({ roomId: 'abcd1234', backendId: 'nextcloud' });
    const incall = HpbEnvelope.parse(msg.json).room!.incall!;
    expect(incall.users?.[0]?.sessionId).toBe(alice.sessionId);
    expect(incall.users?.[0]?.nextcloudSessionId).toBe('nc-sess-alice-abcd1234');
    expect(stack.nextcloud.violations).toEqual([]);
    await alice.close();
  });

  it('accepts an internal client with the right HMAC and refuses a wrong one', async () => {
    const good = await SignalingClient.connect(stack.signaling.websocketUrl);
    const hello = await good.helloInternal(stack.nextcloud.url, stack.internalSecret);
    expect(hello.type).toBe('hello');
    await good.close();
    const bad = await SignalingClient.connect(stack.signaling.websocketUrl);
    const refused = await bad.helloInternal(stack.nextcloud.url, 'not-the-secret');
    expect(refused).toMatchObject({ type: 'error', error: { code: 'invalid_token' } });
    await bad.close();
  });

  it('refuses a backend request with a forged checksum', async () => {
    const res = await fetch(`${stack.signaling.url}/api/v1/room/abcd1234`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'spreed-signaling-random': 'r'.repeat(64),
        'spreed-signaling-checksum': '0'.repeat(64),
        'spreed-signaling-backend': `${stack.nextcloud.url}/`,
      },
      body: '{"type":"message","message":{"data":{"type":"chat"}}}',
    });
    expect(res.status).toBe(403);
  });
});
