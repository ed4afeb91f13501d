import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NextcloudStandIn } from './index.js';

const SECRET = '0123456789abcdef0123456789abcdef0123456789abcdef';

describe("stand-in: Talk's bot API", () => {
  let nc: NextcloudStandIn;
  beforeAll(async () => {
    nc = await new NextcloudStandIn().start();
    nc.bot.install('talkrec', SECRET, ['abc123']);
  });
  afterAll(async () => {
    await nc.stop();
  });

  const post = (
    token: string,
    message: string,
    opts: { random?: string; secret?: string; ocs?: boolean } = {},
  ) => {
    const random = opts.random ?? 'A'.repeat(64);
    const signature = createHmac('sha256', opts.secret ?? SECRET)
      .update(random + message)
      .digest('hex');
    return fetch(`${nc.url}/ocs/v2.php/apps/spreed/api/v1/bot/${token}/message`, {
      method: 'POST',
      headers: {
        ...(opts.ocs === false ? {} : { 'ocs-apirequest': 'true' }),
        accept: 'application/json',
        'content-type': 'application/json',
        'x-nextcloud-talk-bot-random': random,
        'x-nextcloud-talk-bot-signature': signature,
      },
      body: JSON.stringify({ message, referenceId: 'ref-1' }),
    });
  };

  it('matches the documented test vector and posts the message (201)', async () => {
    const message = 'Recording ready: Talk/Recording/abc123/Recording 2026-01-02 10-00-00.webm';
    expect(
      createHmac('sha256', SECRET)
        .update('A'.repeat(64) + message)
        .digest('hex'),
    ).toBe('c5ee41aae08d0294d3adc2396e691f58376a23cad83af5cc138f126b819de7eb');
    const res = await post('abc123', message);
    expect(res.status).toBe(201);
    expect(nc.bot.messagesIn('abc123').at(-1)).toMatchObject({ message, referenceId: 'ref-1' });
  });

  it('answers 401 for a wrong secret or a conversation the bot is not set up in', async () => {
    expect((await post('abc123', 'hi', { secret: 'x'.repeat(48) })).status).toBe(401);
    expect((await post('other', 'hi')).status).toBe(401);
  });

  it('answers 400 for a short random, 412 without OCS-APIRequest, 413 above the chat limit', async () => {
    expect((await post('abc123', 'hi', { random: 'short' })).status).toBe(400);
    expect((await post('abc123', 'hi', { ocs: false })).status).toBe(412);
    expect((await post('abc123', 'x'.repeat(32_001))).status).toBe(413);
  });
});
