import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeSegmentMeta, digestToHex, encodeSegmentMeta } from './segment-meta.js';

describe('segment meta', () => {
  it('round-trips through the object description', () => {
    const meta = {
      v: 1 as const,
      startMs: 10_000,
      durationMs: 10_033,
      gapBeforeMs: 0,
      wallStartMs: 1_795_000_010_000,
      hasVideo: true,
      hasAudio: true,
      instanceId: 'cap-1',
    };
    expect(decodeSegmentMeta(encodeSegmentMeta(meta))).toEqual(meta);
  });

  it('ignores descriptions capture did not write', () => {
    expect(decodeSegmentMeta(undefined)).toBeUndefined();
    expect(decodeSegmentMeta('a segment')).toBeUndefined();
    expect(decodeSegmentMeta('{"v":2}')).toBeUndefined();
  });

  it('turns the object store digest into the hex sha256 the events carry', () => {
    const data = Buffer.from('segment bytes');
    const hash = createHash('sha256').update(data);
    const digest = `SHA-256=${hash.copy().digest('base64url')}`;
    expect(digestToHex(digest)).toBe(hash.digest('hex'));
    expect(digestToHex('MD5=abc')).toBeUndefined();
  });
});
