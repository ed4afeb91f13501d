import { describe, expect, it } from 'vitest';
import { buildXvfbArgs } from './xvfb-args.js';

describe('buildXvfbArgs', () => {
  it('starts one grab-sized 24-bit screen without TCP that reports readiness on fd 3', () => {
    expect(buildXvfbArgs(93, { width: 1280, height: 720 })).toEqual([
      ':93',
      '-screen',
      '0',
      '1280x720x24',
      '-nolisten',
      'tcp',
      '-noreset',
      '-displayfd',
      '3',
    ]);
  });
});
