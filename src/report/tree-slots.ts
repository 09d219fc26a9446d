/** A bridge between events (which arrive any time) and listr2 tasks (which start later): used by the check reporter. */

export interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly settled: boolean;
  /** First call wins; later calls are ignored, so finalizing twice is harmless. */
  resolve(value: T): void;
}

export function createDeferred<T>(): Deferred<T> {
  let settle: (value: T) => void = () => undefined;
  let settled = false;
  const promise = new Promise<T>((resolve) => {
    settle = resolve;
  });
  return {
    promise,
    get settled() {
      return settled;
    },
    resolve(value) {
      if (settled) return;
      settled = true;
      settle(value);
    },
  };
}
