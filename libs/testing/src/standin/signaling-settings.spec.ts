import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { talkNextcloudPaths } from '@talkrec/contracts';
import { NextcloudStandIn } from './index.js';

describe('the stand-in signaling settings (Talk, for a recording server)', () => {
  let nc: NextcloudStandIn;

  beforeAll(async () => {
    nc = await new NextcloudStandIn().start();
    nc.directory.addRoom('room1', ['alice']);
    nc.hpb.signalingUrl = 'http://127.0.0.1:8080';
  });

  afterAll(async () => {
    await nc.stop();
  });

  const ask = (token: string, headers: Record<string, string>) =>
    fetch(nc.url + talkNextcloudPaths.signalingSettings(token), {
      headers: { 'OCS-APIRequest': 'true', ...headers },
    });
  const signed = (random: string, secret = nc.recordingSecret) => ({
    'Talk-Recording-Random': random,
    'Talk-Recording-Checksum': createHmac('sha256', secret).update(random).digest('hex'),
  });

  it('answers the HPB URL and STUN/TURN to an HMAC of the random with the recording secret', async () => {
    const res = await ask('room1', signed('r'.repeat(64)));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ocs: { data: Record<string, unknown> } };
    expect(body.ocs.data).toMatchObject({
      server: 'http://127.0.0.1:8080/',
      stunservers: [{ urls: ['stun:127.0.0.1:3478'] }],
      turnservers: [],
    });
    expect(nc.signalingSettings.served).toEqual(['room1']);
  });

  it('refuses a wrong secret, a short random and a missing signature with 401, and records them', async () => {
    const before = nc.violations.length;
    expect((await ask('room1', signed('r'.repeat(64), 'wrong'))).status).toBe(401);
    expect((await ask('room1', signed('r'.repeat(31)))).status).toBe(401);
    expect((await ask('room1', {})).status).toBe(401);
    expect(nc.violations.slice(before).map((v) => v.area)).toEqual([
      'signaling-settings',
      'signaling-settings',
      'signaling-settings',
    ]);
  });

  it('answers 404 for a room Talk does not know', async () => {
    expect((await ask('nope', signed('r'.repeat(64)))).status).toBe(404);
  });
});
