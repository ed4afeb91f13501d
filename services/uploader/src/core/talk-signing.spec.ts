import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { talkChecksum } from './talk-signing.js';

describe('talkChecksum', () => {
  it('is the lower-case hex HMAC-SHA256 of random + room token, as openssl computes it', () => {
    const random = 'A'.repeat(64);
    const expected = execFileSync('openssl', ['dgst', '-sha256', '-hmac', 'the-secret', '-r'], {
      input: `${random}n3xtc10ud`,
    })
      .toString()
      .split(' ')[0];
    expect(talkChecksum('the-secret', random, 'n3xtc10ud')).toBe(expected);
  });
});
