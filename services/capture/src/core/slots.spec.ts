import { describe, expect, it } from 'vitest';
import { SlotPool } from './slots.js';
import { hasDiskRoom } from './admission.js';

describe('SlotPool', () => {
  it('hands out the lowest free slot and none beyond the size', () => {
    const pool = new SlotPool(2);
    expect(pool.acquire()).toBe(0);
    expect(pool.acquire()).toBe(1);
    expect(pool.acquire()).toBeUndefined();
    pool.release(0);
    expect(pool.used).toBe(1);
    expect(pool.acquire()).toBe(0);
  });

  it('prefers a free slot that has a browser ready', () => {
    const pool = new SlotPool(3);
    expect(pool.acquire([2])).toBe(2);
    expect(pool.acquire([2, 7])).toBe(0);
    expect(pool.isFree(1)).toBe(true);
    expect(pool.isFree(2)).toBe(false);
  });
});

describe('hasDiskRoom', () => {
  it('admits work only while the minimum free space is left', () => {
    expect(hasDiskRoom(2048 * 1024 * 1024, 2048)).toBe(true);
    expect(hasDiskRoom(2048 * 1024 * 1024 - 1, 2048)).toBe(false);
    expect(hasDiskRoom(0, 0)).toBe(true);
  });
});
