/** A promise with its resolve function, for events that arrive from callbacks. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  settled: boolean;
}

export function deferred<T>(): Deferred<T> {
  let resolveFn!: (value: T) => void;
  const d: Deferred<T> = {
    promise: new Promise<T>((r) => (resolveFn = r)),
    settled: false,
    resolve: (value) => {
      if (d.settled) return;
      d.settled = true;
      resolveFn(value);
    },
  };
  return d;
}

/** Resolves with `value` after `ms`; the timer is cleared with the returned cancel. */
export function timeout<T>(ms: number, value: T): { promise: Promise<T>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((r) => (timer = setTimeout(() => r(value), ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}
