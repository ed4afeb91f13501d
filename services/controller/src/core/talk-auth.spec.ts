import { describe, expect, it } from 'vitest';
import { talkChecksum, verifyTalkRequest } from './talk-auth.js';

const backends = [{ id: 'nc', url: 'https://cloud.example.com', recordingSecret: 's3cret' }];
const body = Buffer.from('{"type":"stop","stop":[]}');
const random = 'r'.repeat(64);
const good = {
  random,
  checksum: talkChecksum('s3cret', random, body),
  backend: 'https://cloud.example.com/',
};

describe('verifyTalkRequest', () => {
  it('accepts the HMAC over random + body with the backend URL trailing slash trimmed', () => {
    expect(verifyTalkRequest(good, body, backends)).toMatchObject({ ok: true, backend: { id: 'nc' } });
    expect(verifyTalkRequest({ ...good, checksum: good.checksum.toUpperCase() }, body, backends).ok).toBe(
      true,
    );
  });

  it('refuses forged checksums, missing headers and unknown backends', () => {
    expect(verifyTalkRequest({ ...good, checksum: '0'.repeat(64) }, body, backends)).toEqual({
      ok: false,
      reason: 'checksum mismatch',
    });
    expect(verifyTalkRequest(good, Buffer.from('{}'), backends).ok).toBe(false);
    expect(verifyTalkRequest({ ...good, random: undefined }, body, backends)).toEqual({
      ok: false,
      reason: 'missing random',
    });
    expect(verifyTalkRequest({ ...good, checksum: undefined }, body, backends)).toEqual({
      ok: false,
      reason: 'missing checksum',
    });
    expect(verifyTalkRequest({ ...good, backend: 'https://evil.example.com/' }, body, backends)).toEqual({
      ok: false,
      reason: 'unknown backend',
    });
    expect(verifyTalkRequest({ ...good, checksum: 'abc' }, body, backends).ok).toBe(false);
  });
});

describe('bot message signature', () => {
  it('matches the documented test vector: HMAC over random + message text with the bot secret', () => {
    expect(
      talkChecksum(
        '0123456789abcdef0123456789abcdef0123456789abcdef',
        'A'.repeat(64),
        'Recording ready: Talk/Recording/abc123/Recording 2026-01-02 10-00-00.webm',
      ),
    ).toBe('c5ee41aae08d0294d3adc2396e691f58376a23cad83af5cc138f126b819de7eb');
  });
});
