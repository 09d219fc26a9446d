/** A fake clock for the frame scheduler: time moves only when the test says so, timers fire in order. */
import type { FrameClock } from '../../src/report/tree-throttle.js';

export interface FakeClock extends FrameClock {
  /** Moves time forward by ms, firing every timer that comes due on the way (in due order). */
  advance(ms: number): void;
  pendingTimers(): number;
}

export function createFakeClock(startMs = 0): FakeClock {
  let now = startMs;
  let nextId = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const due = (until: number): [number, { at: number; callback: () => void }] | undefined =>
    [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
  return {
    now: () => now,
    setTimer(callback, delayMs) {
      const id = nextId++;
      timers.set(id, { at: now + delayMs, callback });
      return id;
    },
    clearTimer(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const until = now + ms;
      for (let next = due(until); next; next = due(until)) {
        timers.delete(next[0]);
        now = next[1].at;
        next[1].callback();
      }
      now = until;
    },
    pendingTimers: () => timers.size,
  };
}
