import { describe, expect, it } from 'vitest';
import { MAX_RAMP_SAMPLES, pcmPieces } from './pcm-plan.js';

const prev = { source: 'previous' as const, start: 1000, end: 2000 };

describe('pcm pieces', () => {
  it('joins contiguous segments sample for sample', () => {
    expect(pcmPieces(1500, 2500, prev, { source: 'current', start: 2000, end: 3000 }, false)).toEqual([
      { kind: 'copy', source: 'previous', offset: 500, count: 500 },
      { kind: 'copy', source: 'current', offset: 0, count: 500 },
    ]);
  });

  it('bridges a timing hole of a few samples with a ramp, a longer one with silence', () => {
    expect(pcmPieces(1990, 2020, prev, { source: 'current', start: 2004, end: 3000 }, false)).toEqual([
      { kind: 'copy', source: 'previous', offset: 990, count: 10 },
      {
        kind: 'ramp',
        count: 4,
        skip: 0,
        total: 4,
        from: { source: 'previous', offset: 999 },
        to: { source: 'current', offset: 0 },
      },
      { kind: 'copy', source: 'current', offset: 0, count: 16 },
    ]);
    const long = 2000 + MAX_RAMP_SAMPLES + 1;
    expect(pcmPieces(1990, long + 10, prev, { source: 'current', start: long, end: 3000 }, false)[1]).toEqual(
      {
        kind: 'silence',
        count: MAX_RAMP_SAMPLES + 1,
      },
    );
  });

  it('fills a takeover gap with silence', () => {
    expect(pcmPieces(1990, 2020, prev, { source: 'current', start: 2004, end: 3000 }, true)[1]).toEqual({
      kind: 'silence',
      count: 4,
    });
  });

  it('lets the previous segment win an overlap (the part before was encoded from it)', () => {
    expect(pcmPieces(1990, 2020, prev, { source: 'current', start: 1995, end: 3000 }, false)).toEqual([
      { kind: 'copy', source: 'previous', offset: 990, count: 10 },
      { kind: 'copy', source: 'current', offset: 5, count: 20 },
    ]);
  });

  it('pads with silence where no segment has samples (before the first, after the last)', () => {
    expect(pcmPieces(-2048, 100, undefined, { source: 'current', start: 60, end: 80 }, false)).toEqual([
      { kind: 'silence', count: 2108 },
      { kind: 'copy', source: 'current', offset: 0, count: 20 },
      { kind: 'silence', count: 20 },
    ]);
  });

  it('addresses the part of a ramp a span starts in', () => {
    expect(pcmPieces(2002, 2010, prev, { source: 'current', start: 2004, end: 3000 }, false)[0]).toEqual({
      kind: 'ramp',
      count: 2,
      skip: 2,
      total: 4,
      from: { source: 'previous', offset: 999 },
      to: { source: 'current', offset: 0 },
    });
  });
});
