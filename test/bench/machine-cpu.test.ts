import assert from 'node:assert/strict';
import { test } from 'node:test';
import { busyTicks } from './machine-cpu.js';

test('busyTicks: user + nice + system + irq + softirq + steal of the aggregate cpu line; idle and iowait are not busy', () => {
  const stat = 'cpu  100 5 40 9000 70 3 7 2 0 0\ncpu0 50 0 20 4500 35 1 3 1 0 0\nintr 1 2\n';
  assert.equal(busyTicks(stat), 100 + 5 + 40 + 3 + 7 + 2);
  assert.ok(Number.isNaN(busyTicks('intr 1 2\n')), 'no cpu line: unknown, not zero');
});
