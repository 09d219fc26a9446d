/** Small bridges between runner events (which arrive any time) and listr2 tasks (which start later). */

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

/** A title that can change before its task exists; the task shows the latest text once attached. */
export interface TitleSlot {
  readonly text: string | undefined;
  set(text: string): void;
  attach(sink: (text: string) => void): void;
}

export function createTitleSlot(initial?: string): TitleSlot {
  let text = initial;
  let sink: ((text: string) => void) | undefined;
  return {
    get text() {
      return text;
    },
    set(next) {
      text = next;
      sink?.(next);
    },
    attach(next) {
      sink = next;
      if (text !== undefined) next(text);
    },
  };
}
