import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchCount, exceedsFailThreshold, splitBatches } from '../../src/runner/batches.js';
import type { BatchSize } from '../../src/playbook/types.js';

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `h${i + 1}`);

test('batch sizes: percentages round up, at least one host, never more than all', () => {
  const cases: [BatchSize, number, number][] = [
    [1, 10, 1],
    ['10%', 10, 1],
    ['10%', 11, 2],
    ['1%', 3, 1],
    ['50%', 5, 3],
    ['100%', 7, 7],
    [20, 5, 5],
  ];
  for (const [size, total, expected] of cases) assert.equal(batchCount(size, total), expected, `${size} of ${total}`);
});

test('splitBatches keeps inventory order and repeats the last size', () => {
  const table: [BatchSize[], number, number[]][] = [
    [['100%'], 5, [5]],
    [[1, '50%', '100%'], 10, [1, 5, 4]],
    [[1, '10%'], 25, [1, 3, 3, 3, 3, 3, 3, 3, 3]],
    [[2], 5, [2, 2, 1]],
    [[], 3, [3]],
  ];
  for (const [serial, total, sizes] of table) {
    const batches = splitBatches(hosts(total), serial);
    assert.deepEqual(batches.map((b) => b.length), sizes, JSON.stringify(serial));
    assert.deepEqual(batches.flat(), hosts(total));
  }
});

test('fail threshold is exceeded, not reached (Ansible semantics)', () => {
  const table: [number, number, number, boolean][] = [
    [0, 5, 0, false],
    [1, 5, 0, true],
    [2, 5, 50, false],
    [3, 5, 50, true],
    [1, 2, 50, false],
    [5, 5, 100, false],
  ];
  for (const [failed, total, max, expected] of table) assert.equal(exceedsFailThreshold(failed, total, max), expected, `${failed}/${total} vs ${max}%`);
});
