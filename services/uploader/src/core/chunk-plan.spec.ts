import { describe, expect, it } from 'vitest';
import {
  MIN_CHUNK_BYTES,
  confirmedBytes,
  initialChunkBytes,
  nextChunk,
  smallerChunkBytes,
} from './chunk-plan.js';

const MiB = 1024 * 1024;

describe('chunk plan', () => {
  it('uses the configured size, never under 5 MiB, and large enough for 10000 chunks', () => {
    expect(initialChunkBytes(100 * MiB, 10 * MiB)).toBe(10 * MiB);
    expect(initialChunkBytes(100 * MiB, MiB)).toBe(MIN_CHUNK_BYTES);
    expect(initialChunkBytes(200_000 * MiB, 10 * MiB)).toBe(20 * MiB);
  });

  it('sends the next chunk where the confirmed ones end, the last one shorter', () => {
    const p = { chunkBytes: 10 * MiB, confirmed: [] as number[] };
    expect(nextChunk(p, 25 * MiB)).toEqual({ number: 1, offset: 0, bytes: 10 * MiB });
    p.confirmed.push(10 * MiB, 10 * MiB);
    expect(nextChunk(p, 25 * MiB)).toEqual({ number: 3, offset: 20 * MiB, bytes: 5 * MiB });
    p.confirmed.push(5 * MiB);
    expect(nextChunk(p, 25 * MiB)).toBeUndefined();
    expect(confirmedBytes(p)).toBe(25 * MiB);
  });

  it('keeps offsets right when the chunk size shrinks midway', () => {
    const p = { chunkBytes: 5 * MiB, confirmed: [10 * MiB] };
    expect(nextChunk(p, 18 * MiB)).toEqual({ number: 2, offset: 10 * MiB, bytes: 5 * MiB });
  });

  it('halves after a 413 down to 5 MiB, then gives up', () => {
    expect(smallerChunkBytes({ chunkBytes: 16 * MiB, confirmed: [] }, 100 * MiB)).toBe(8 * MiB);
    expect(smallerChunkBytes({ chunkBytes: 8 * MiB, confirmed: [] }, 100 * MiB)).toBe(5 * MiB);
    expect(smallerChunkBytes({ chunkBytes: 5 * MiB, confirmed: [] }, 100 * MiB)).toBeUndefined();
  });

  it('does not halve below what the remaining chunk numbers can carry', () => {
    const confirmed = Array.from({ length: 9_990 }, () => 5 * MiB);
    const done = confirmedBytes({ chunkBytes: 0, confirmed });
    // 10 numbers left: 400 MiB needs 40 MiB chunks, 300 MiB at least 30 MiB.
    expect(smallerChunkBytes({ chunkBytes: 40 * MiB, confirmed }, done + 400 * MiB)).toBeUndefined();
    expect(smallerChunkBytes({ chunkBytes: 40 * MiB, confirmed }, done + 300 * MiB)).toBe(30 * MiB);
  });
});
