import { describe, expect, it } from 'vitest';
import { boundedMap } from './bounded-map.js';

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('boundedMap', () => {
  it('keeps the items order whatever order they finish in', async () => {
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    const run = boundedMap([0, 1, 2], 3, async (n) => {
      await gates[n]!.promise;
      return n * 10;
    });
    gates[2]!.resolve();
    gates[0]!.resolve();
    gates[1]!.resolve();
    expect(await run).toEqual([0, 10, 20]);
  });

  it('never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    await boundedMap([...Array(20).keys()], 4, async () => {
      most = Math.max(most, ++running);
      await flush();
      running--;
    });
    expect(most).toBe(4);
  });

  it('starts nothing after a failure, waits for what runs, then throws the first error', async () => {
    const started: number[] = [];
    const slow = deferred<void>();
    let slowDone = false;
    const run = boundedMap([0, 1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      if (n === 0) {
        await slow.promise;
        slowDone = true;
      }
      if (n === 1) throw new Error('part 1 missing');
    });
    const outcome = run.catch((e: unknown) => e);
    await flush();
    expect(started).toEqual([0, 1]);
    slow.resolve();
    expect(await outcome).toEqual(new Error('part 1 missing'));
    expect(slowDone).toBe(true);
    expect(started).toEqual([0, 1]);
  });

  it('returns an empty list for no items', async () => {
    expect(await boundedMap([], 4, async () => 1)).toEqual([]);
  });
});
