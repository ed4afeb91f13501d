import { describe, expect, it } from 'vitest';
import { reconcile } from './resume.js';

describe('reconcile recorded chunks with the server listing', () => {
  it('keeps chunks the server holds with the size we sent', () => {
    expect(
      reconcile(
        [10, 10, 10],
        new Map([
          [1, 10],
          [2, 10],
          [3, 10],
        ]),
      ),
    ).toEqual({ confirmed: [10, 10, 10], extra: [] });
  });

  it('sends everything again from the first chunk that is missing or differs', () => {
    expect(
      reconcile(
        [10, 10, 10],
        new Map([
          [1, 10],
          [3, 10],
        ]),
      ),
    ).toEqual({ confirmed: [10], extra: [3] });
    expect(
      reconcile(
        [10, 10],
        new Map([
          [1, 10],
          [2, 7],
        ]),
      ),
    ).toEqual({ confirmed: [10], extra: [2] });
  });

  it('removes chunks the server got but we never recorded', () => {
    expect(
      reconcile(
        [10],
        new Map([
          [1, 10],
          [2, 10],
          [5, 3],
        ]),
      ),
    ).toEqual({ confirmed: [10], extra: [2, 5] });
  });

  it('trusts the record when the server cannot list', () => {
    expect(reconcile([10, 4], 'unsupported')).toEqual({ confirmed: [10, 4], extra: [] });
  });
});
