import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RecordingSpec } from '@talkrec/contracts';
import { callViewConfig, internalHelloAuth, signalingWebsocketUrl } from './join.js';

describe('internalHelloAuth', () => {
  it('signs the random with the internal secret and names the backend without a trailing slash', () => {
    const random = 'r'.repeat(64);
    expect(internalHelloAuth('s3cret', random, 'https://cloud.example/')).toEqual({
      random,
      token: createHmac('sha256', 's3cret').update(random).digest('hex'),
      backend: 'https://cloud.example',
    });
  });
});

describe('signalingWebsocketUrl', () => {
  it.each([
    ['https://hpb.example/standalone-signaling/', 'wss://hpb.example/standalone-signaling/spreed'],
    ['http://127.0.0.1:8080', 'ws://127.0.0.1:8080/spreed'],
    ['wss://hpb.example/spreed', 'wss://hpb.example/spreed'],
    ['ws://127.0.0.1:8080/spreed/', 'ws://127.0.0.1:8080/spreed'],
  ])('%s → %s', (server, url) => {
    expect(signalingWebsocketUrl(server)).toBe(url);
  });
});

describe('callViewConfig', () => {
  it('carries the room, mode, layout and size of the spec and fresh hello params', () => {
    const spec = {
      backend: { id: 'nc', url: 'https://cloud.example' },
      room: { token: 'abc123' },
      mode: 'video',
      layout: 'grid',
      video: { width: 1280, height: 720, fps: 30 },
    } as RecordingSpec;
    const config = callViewConfig(
      'rec_01JD7ZQ3K4X5Y6Z7A8B9C0D1E2',
      spec,
      { url: 'wss://hpb/spreed', internalSecret: 'k', iceServers: [{ urls: 'stun:stun.example:3478' }] },
      'x'.repeat(40),
    );
    expect(config).toEqual({
      recordingId: 'rec_01JD7ZQ3K4X5Y6Z7A8B9C0D1E2',
      signalingUrl: 'wss://hpb/spreed',
      helloAuth: internalHelloAuth('k', 'x'.repeat(40), 'https://cloud.example'),
      roomToken: 'abc123',
      mode: 'video',
      layout: 'grid',
      width: 1280,
      height: 720,
      iceServers: [{ urls: 'stun:stun.example:3478' }],
    });
  });
});
