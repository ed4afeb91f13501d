import { describe, expect, it } from 'vitest';
import { parseSegmentList, segmentIndexOf } from './segment-list.js';

describe('parseSegmentList', () => {
  it('reads complete lines and leaves a line still being written', () => {
    const text = 'seg_000005.mkv,0.000000,10.000000\nseg_000006.mkv,10.000000,20.033000\nseg_0000';
    expect(parseSegmentList(text)).toEqual([
      { file: 'seg_000005.mkv', index: 5, startS: 0, endS: 10 },
      { file: 'seg_000006.mkv', index: 6, startS: 10, endS: 20.033 },
    ]);
  });

  it('ignores lines that are not capture segments', () => {
    expect(parseSegmentList('other.mkv,0,1\nseg_000001.mkv,x,2\n')).toEqual([]);
    expect(segmentIndexOf('seg_000123.mkv')).toBe(123);
    expect(segmentIndexOf('seg_000123.mkv.part')).toBeUndefined();
  });
});
