import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchCount, exceedsFailThreshold, judgeBatch, splitBatches } from '../../src/runner/batches.js';
import type { HostOutcome } from '../../src/runner/outcome.js';
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
    assert.deepEqual(
      batches.map((b) => b.length),
      sizes,
      JSON.stringify(serial),
    );
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
  for (const [failed, total, max, expected] of table)
    assert.equal(exceedsFailThreshold(failed, total, max), expected, `${failed}/${total} vs ${max}%`);
});

test('judgeBatch: unreachable and locked hosts are no evidence against the change; max_unreachable_percent may stop', () => {
  const ok = (n: number): HostOutcome[] => Array<HostOutcome>(n).fill('changed');
  const table: [
    string,
    HostOutcome[],
    number,
    number | undefined,
    'failed' | 'unreachable' | null,
    [number, number, number],
  ][] = [
    // [name, outcomes, max_fail_percentage, max_unreachable_percent, stoppedBy, [failed, judged, unreachable]]
    [
      'the measured case: a refused port and a silent listener beside 3 healthy hosts',
      [...ok(3), 'unreachable', 'unreachable'],
      0,
      undefined,
      null,
      [0, 3, 2],
    ],
    ['a host locked by another run', [...ok(2), 'skipped'], 0, undefined, null, [0, 2, 1]],
    ['every host unreachable, unlimited', ['unreachable', 'unreachable'], 0, undefined, null, [0, 0, 2]],
    ['a failed host still stops at 0%', [...ok(3), 'rolled-back'], 0, undefined, 'failed', [1, 4, 0]],
    [
      'failures are judged among the hosts tried: 1 of 2 tried = 50%',
      ['failed', 'changed', 'unreachable', 'unreachable'],
      40,
      undefined,
      'failed',
      [1, 2, 2],
    ],
    [
      '... and 1 of 3 tried = 33% continues at 40%',
      ['failed', ...ok(2), 'unreachable'],
      40,
      undefined,
      null,
      [1, 3, 1],
    ],
    ['2 of 5 unreachable = 40% exceeds 20%', [...ok(3), 'unreachable', 'skipped'], 0, 20, 'unreachable', [0, 3, 2]],
    ['2 of 5 unreachable = 40% does not exceed 40%', [...ok(3), 'unreachable', 'unreachable'], 0, 40, null, [0, 3, 2]],
    [
      'max_unreachable_percent 0 stops on the first unreachable host',
      [...ok(9), 'unreachable'],
      0,
      0,
      'unreachable',
      [0, 9, 1],
    ],
    ['a failure stop wins over an unreachable stop', ['rollback-failed', 'unreachable'], 0, 0, 'failed', [1, 1, 1]],
  ];
  for (const [name, outcomes, maxFail, maxUnreachable, stoppedBy, [failed, judged, unreachable]] of table) {
    const verdict = judgeBatch(outcomes, 1, { maxFailPercent: maxFail, maxUnreachablePercent: maxUnreachable });
    assert.deepEqual(
      [verdict.stoppedBy, verdict.failed, verdict.judged, verdict.unreachable, verdict.total],
      [stoppedBy, failed, judged, unreachable, outcomes.length],
      name,
    );
    assert.equal(verdict.reason === null, stoppedBy === null, name);
  }
});

test('judgeBatch reasons name the batch, the counts and the threshold', () => {
  assert.equal(
    judgeBatch(['failed', 'changed', 'unreachable'], 0, { maxFailPercent: 0 }).reason,
    'rollout stopped: 1 of 2 hosts of batch 1 failed (more than 0%; 1 unreachable or locked not counted)',
  );
  assert.equal(
    judgeBatch(['failed', 'changed'], 2, { maxFailPercent: 10 }).reason,
    'rollout stopped: 1 of 2 hosts of batch 3 failed (more than 10%)',
  );
  assert.equal(
    judgeBatch(['unreachable', 'changed'], 1, { maxFailPercent: 0, maxUnreachablePercent: 25 }).reason,
    'rollout stopped: 1 of 2 hosts of batch 2 unreachable or locked (more than max_unreachable_percent 25%)',
  );
});
