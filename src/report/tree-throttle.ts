/**
 * A frame scheduler: any number of redraw requests become at most one draw per intervalMs, always on a timer and never
 * inside the caller (the runner's emit), so the event loop stays free for SSH however busy the fleet is.
 */

/** The clock and timers the scheduler uses; tests pass a fake one. */
export interface FrameClock {
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: FrameClock = {
  now: () => performance.now(),
  setTimer: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    // a pending frame must not keep the CLI alive
    timer.unref();
    return timer;
  },
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface FrameScheduler {
  /** Asks for a frame: drawn at the next slot (now + 0 ms if the last frame is older than intervalMs). */
  request(): void;
  /** Draws now if a frame is pending, and cancels its timer. */
  flush(): void;
  /** Cancels a pending frame; later requests are ignored. */
  stop(): void;
}

/** 100 ms = at most 10 frames per second, the spinner's own rate. */
export const defaultFrameIntervalMs = 100;

export function createFrameScheduler(
  draw: () => void,
  options: { intervalMs?: number; clock?: FrameClock } = {},
): FrameScheduler {
  const intervalMs = options.intervalMs ?? defaultFrameIntervalMs;
  const clock = options.clock ?? systemClock;
  let lastDrawAt = Number.NEGATIVE_INFINITY;
  let pending: unknown = null;
  let stopped = false;
  const fire = (): void => {
    pending = null;
    lastDrawAt = clock.now();
    draw();
  };
  return {
    request() {
      if (stopped || pending !== null) return;
      pending = clock.setTimer(fire, Math.max(0, lastDrawAt + intervalMs - clock.now()));
    },
    flush() {
      if (pending === null) return;
      clock.clearTimer(pending);
      fire();
    },
    stop() {
      stopped = true;
      if (pending !== null) clock.clearTimer(pending);
      pending = null;
    },
  };
}
