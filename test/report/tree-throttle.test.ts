import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFrameScheduler } from '../../src/report/tree-throttle.js';
import { createFakeClock } from './tree-fake-clock.js';

function setup(intervalMs = 100) {
  const clock = createFakeClock(1_000);
  const draws: number[] = [];
  const scheduler = createFrameScheduler(() => draws.push(clock.now()), { intervalMs, clock });
  return { clock, draws, scheduler };
}

describe('frame scheduler (fake clock)', () => {
  it('never draws inside request(): the caller (the runner emitting an event) pays nothing', () => {
    const { draws, scheduler } = setup();
    for (let i = 0; i < 1000; i++) scheduler.request();
    assert.deepEqual(draws, []);
  });

  it('a burst of requests becomes one frame, drawn on the next turn', () => {
    const { clock, draws, scheduler } = setup();
    for (let i = 0; i < 1000; i++) scheduler.request();
    clock.advance(0);
    assert.deepEqual(draws, [1_000]);
  });

  it('steady events: at most one frame per interval (10 frames/s at 100 ms)', () => {
    const { clock, draws, scheduler } = setup();
    // 3000 events spread over 3 s, one per ms
    for (let ms = 0; ms < 3000; ms++) {
      scheduler.request();
      clock.advance(1);
    }
    clock.advance(100);
    assert.ok(draws.length >= 29 && draws.length <= 31, `${draws.length} frames`);
    const gaps = draws.slice(1).map((at, i) => at - (draws[i] as number));
    assert.ok(
      gaps.every((gap) => gap >= 100),
      `gaps ${gaps.join(',')}`,
    );
  });

  it('a request after a quiet spell is drawn at once, the next one waits out the interval', () => {
    const { clock, draws, scheduler } = setup();
    scheduler.request();
    clock.advance(0);
    clock.advance(500);
    scheduler.request();
    clock.advance(0);
    scheduler.request();
    clock.advance(99);
    assert.deepEqual(draws, [1_000, 1_500]);
    clock.advance(1);
    assert.deepEqual(draws, [1_000, 1_500, 1_600]);
  });

  it('flush draws a pending frame now; stop drops it and ignores later requests', () => {
    const { clock, draws, scheduler } = setup();
    scheduler.request();
    scheduler.flush();
    assert.deepEqual(draws, [1_000]);
    scheduler.flush();
    assert.equal(draws.length, 1, 'nothing pending, nothing drawn');
    scheduler.request();
    scheduler.stop();
    scheduler.request();
    clock.advance(1_000);
    assert.equal(draws.length, 1);
    assert.equal(clock.pendingTimers(), 0);
  });
});
