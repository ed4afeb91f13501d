import { describe, expect, it } from 'vitest';
import { ActiveSpeaker, type SpeakerState } from './active-speaker.js';

const opts = { minHoldMs: 3_000, takeOverMs: 800 };
const state = (id: string, speaking: boolean, since: number): SpeakerState => ({ id, speaking, since });

describe('ActiveSpeaker', () => {
  it('shows the first participant until someone speaks, then the speaker at once', () => {
    const a = new ActiveSpeaker(opts);
    expect(a.update([state('a', false, 0), state('b', false, 0)], 0)).toBe('a');
    expect(a.update([state('a', false, 0), state('b', true, 500)], 1_000)).toBe('a');
    expect(a.update([state('a', false, 0), state('b', true, 500)], 1_300)).toBe('b');
  });

  it('keeps a speaker for the hold time even when someone else talks', () => {
    const a = new ActiveSpeaker(opts);
    a.update([state('a', true, 0), state('b', false, 0)], 100);
    expect(a.update([state('a', false, 500), state('b', true, 600)], 1_500)).toBe('a');
    expect(a.update([state('a', false, 500), state('b', true, 600)], 3_100)).toBe('b');
  });

  it('never switches away from someone who is still speaking', () => {
    const a = new ActiveSpeaker(opts);
    a.update([state('a', true, 0), state('b', true, 0)], 0);
    expect(a.update([state('a', true, 0), state('b', true, 0)], 60_000)).toBe('a');
  });

  it('keeps the last speaker when everybody is silent, and prefers the longest speaker among several', () => {
    const a = new ActiveSpeaker(opts);
    a.update([state('a', true, 0), state('b', false, 0), state('c', false, 0)], 0);
    expect(a.update([state('a', false, 1_000), state('b', false, 0), state('c', false, 0)], 10_000)).toBe(
      'a',
    );
    expect(
      a.update([state('a', false, 1_000), state('b', true, 9_000), state('c', true, 8_000)], 10_000),
    ).toBe('c');
  });

  it('replaces a speaker who left', () => {
    const a = new ActiveSpeaker(opts);
    a.update([state('a', true, 0), state('b', false, 0)], 0);
    expect(a.update([state('b', false, 0)], 100)).toBe('b');
    expect(a.update([], 200)).toBeUndefined();
  });
});
