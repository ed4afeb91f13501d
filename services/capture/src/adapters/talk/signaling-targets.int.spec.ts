import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingSpec } from '@talkrec/contracts';
import { createLogger } from '@talkrec/platform';
import { NextcloudStandIn } from '@talkrec/testing';
import { loadCaptureConfig } from '../../config.js';
import { SignalingTargets } from './signaling-targets.js';

const log = createLogger({ service: 't', instanceId: 't', level: 'silent' });

describe('SignalingTargets', () => {
  let nc: NextcloudStandIn;
  const spec = (room = 'room1') =>
    ({ backend: { id: 'nextcloud', url: nc.url }, room: { token: room } }) as RecordingSpec;

  beforeAll(async () => {
    nc = await new NextcloudStandIn().start();
    nc.directory.addRoom('room1', ['alice']);
    nc.hpb.signalingUrl = 'https://hpb.example/standalone-signaling';
    nc.signalingSettings.turnServers = [
      { urls: ['turn:turn.example:3478?transport=udp'], username: 'u', credential: 'c' },
    ];
  });

  afterAll(async () => {
    await nc.stop();
  });

  const targets = (env: Record<string, string>) =>
    new SignalingTargets(
      loadCaptureConfig({ NEXTCLOUD_URL: nc.url, SIGNALING_INTERNAL_SECRET: 'internal', ...env }),
      log,
    );

  it('takes URL and STUN/TURN from Talk, signed with the recording secret, and the secret from config', async () => {
    const target = await targets({ TALK_RECORDING_SECRET: nc.recordingSecret }).resolve(spec());
    expect(target).toEqual({
      url: 'wss://hpb.example/standalone-signaling/spreed',
      internalSecret: 'internal',
      iceServers: [
        { urls: ['stun:127.0.0.1:3478'] },
        { urls: ['turn:turn.example:3478?transport=udp'], username: 'u', credential: 'c' },
      ],
    });
    expect(nc.violations).toEqual([]);
  });

  it('uses the configured signaling URL without asking Talk when no recording secret is set', async () => {
    const target = await targets({ SIGNALING_URL: 'http://127.0.0.1:8080' }).resolve(spec());
    expect(target).toEqual({ url: 'ws://127.0.0.1:8080/spreed', internalSecret: 'internal', iceServers: [] });
  });

  it('fails for good on a refused recording secret, an unknown backend or a missing internal secret', async () => {
    await expect(targets({ TALK_RECORDING_SECRET: 'wrong' }).resolve(spec())).rejects.toMatchObject({
      code: 'talk_settings_refused',
      permanent: true,
    });
    await expect(
      targets({}).resolve({ ...spec(), backend: { id: 'other', url: nc.url } }),
    ).rejects.toMatchObject({ code: 'backend_unknown', permanent: true });
    await expect(
      new SignalingTargets(
        loadCaptureConfig({ NEXTCLOUD_URL: nc.url, SIGNALING_URL: 'ws://x:1' }),
        log,
      ).resolve(spec()),
    ).rejects.toMatchObject({ code: 'signaling_not_configured', permanent: true });
    nc.violations.length = 0;
  });
});
