import { describe, expect, it } from 'vitest';
import { sameParticipants, toCallParticipants } from './participants.js';
import { pageError } from './failures.js';

describe('participants', () => {
  it('orders the page list by session so an unchanged call compares equal', () => {
    const a = toCallParticipants([
      { sessionId: 'b', displayName: 'Bob', publishing: true },
      { sessionId: 'a', userId: 'alice', publishing: false },
    ]);
    const b = toCallParticipants([
      { sessionId: 'a', userId: 'alice', publishing: false },
      { sessionId: 'b', displayName: 'Bob', publishing: true },
    ]);
    expect(a).toEqual([
      { sessionId: 'a', userId: 'alice', publishing: false },
      { sessionId: 'b', displayName: 'Bob', publishing: true },
    ]);
    expect(sameParticipants(a, b)).toBe(true);
    expect(sameParticipants(a, b.slice(1))).toBe(false);
  });
});

describe('pageError', () => {
  it('fails the recording for refused credentials and retries anything else', () => {
    expect(pageError('invalid_token', 'x')).toMatchObject({ code: 'page_invalid_token', permanent: true });
    expect(pageError('media_lost', 'x')).toMatchObject({ code: 'page_media_lost', permanent: false });
  });
});
