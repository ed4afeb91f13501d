import { afterEach, describe, expect, it } from 'vitest';
import { HpbStack } from '../hpb-stack.js';
import type { SignalingClient } from '../clients/signaling-client.js';
import { installedSignalingNeedsSdpFix } from './signaling-sdp-fix.js';

/** A camera+microphone offer as a browser makes it (what matters here is that it parses). */
const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=rtpmap:111 opus/48000/2',
  'a=sendonly',
  'a=mid:0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  'a=fingerprint:sha-256 79:FA:4F:50:7D:3C:03:3A:3A:FD:49:C5:B8:4D:00:F4:CA:B2:41:F8:F9:A8:21:10:35:8E:46:D0:38:68:BD:A5',
  'a=setup:actpass',
  'a=rtcp-mux',
  '',
].join('\r\n');

async function offerCamera(stack: HpbStack): Promise<string> {
  const room = `fix${Date.now().toString(36)}`;
  stack.nextcloud.directory.addRoom(room, ['alice']);
  const client: SignalingClient = await stack.connectUser('alice', room);
  const id = client.send('message', {
    recipient: { type: 'session', sessionid: client.sessionId },
    data: { type: 'offer', roomType: 'video', payload: { type: 'offer', sdp: OFFER } },
  });
  const reply = await client.waitFor(
    (m) => m.id === id || (m.type === 'message' && JSON.stringify(m).includes('"type":"answer"')),
  );
  await client.close();
  return reply.type === 'error' ? (reply.error as { code: string }).code : 'answered';
}

describe("the fix for Debian's signaling 0.4.1 build", () => {
  let stack: HpbStack | undefined;

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('is needed: the packaged server refuses every camera offer, the fixed copy answers it', async ({
    skip,
  }) => {
    if (!(await installedSignalingNeedsSdpFix())) {
      skip('the installed signaling server is not the broken Debian build');
    }
    stack = await HpbStack.start({ janus: true, packagedSignaling: true });
    expect(await offerCamera(stack)).toBe('not_allowed');
    await stack.stop();
    stack = undefined;

    stack = await HpbStack.start({ janus: true });
    expect(await offerCamera(stack)).toBe('answered');
  });
});
