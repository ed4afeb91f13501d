import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splicePcm } from './pcm-splicer.js';

/** Stereo s16le where both channels of sample i hold `base + i`. */
function pcm(base: number, samples: number): Buffer {
  const b = Buffer.alloc(samples * 4);
  for (let i = 0; i < samples; i++) {
    b.writeInt16LE(base + i, i * 4);
    b.writeInt16LE(base + i, i * 4 + 2);
  }
  return b;
}

const left = (b: Buffer) => Array.from({ length: b.length / 4 }, (_, i) => b.readInt16LE(i * 4));

describe('splicePcm', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'talkrec-pcm-'));
    await writeFile(path.join(dir, 'prev.pcm'), pcm(1000, 10));
    await writeFile(path.join(dir, 'cur.pcm'), pcm(2000, 10));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('copies, silences and ramps as the plan says', async () => {
    const out = path.join(dir, 'out.pcm');
    await splicePcm(
      [
        { kind: 'silence', count: 2 },
        { kind: 'copy', source: 'previous', offset: 8, count: 2 },
        {
          kind: 'ramp',
          count: 3,
          skip: 0,
          total: 3,
          from: { source: 'previous', offset: 9 },
          to: { source: 'current', offset: 0 },
        },
        { kind: 'copy', source: 'current', offset: 0, count: 2 },
      ],
      { previous: path.join(dir, 'prev.pcm'), current: path.join(dir, 'cur.pcm') },
      out,
    );
    expect(left(await readFile(out))).toEqual([0, 0, 1008, 1009, 1257, 1505, 1752, 2000, 2001]);
  });

  it('refuses to read past a source or from a missing one', async () => {
    const out = path.join(dir, 'bad.pcm');
    await expect(
      splicePcm(
        [{ kind: 'copy', source: 'current', offset: 5, count: 10 }],
        { current: path.join(dir, 'cur.pcm') },
        out,
      ),
    ).rejects.toThrow(/shorter than planned/);
    await expect(
      splicePcm([{ kind: 'copy', source: 'previous', offset: 0, count: 1 }], {}, out),
    ).rejects.toThrow(/has no audio/);
  });
});
