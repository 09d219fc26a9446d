import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCheckAlarms, withAlarms, type CheckResult } from '../../src/facts/check-result.js';
import { countOutcomes, exitCodeOf, readOutcome } from '../../src/runner/outcome.js';

/** check's exit code as src/cli/check.ts computes it. */
function checkExitCode(results: CheckResult[], options: { noFail: boolean }): number {
  const outcomes = results.map((r) => readOutcome(r, { alarmsFail: !options.noFail }));
  return exitCodeOf({ counts: countOutcomes(outcomes) }, 'check');
}
import { answered, facts, unreachable } from '../report/check-results.fixture.js';

const stats = (drop: number, early_drop: number, insert_failed: number) => ({
  drop,
  early_drop,
  insert_failed,
  all: { drop, early_drop, insert_failed },
});

describe('findCheckAlarms', () => {
  const cases = [
    { name: 'healthy', facts: facts(), want: [] },
    {
      name: 'the issue: 100 % and 1234 drops',
      facts: facts({ count: 65536, stats: stats(1234, 0, 0) }),
      want: [
        'usage 100.0% ≥ 90% (65536 of nf_conntrack_max 65536)',
        '1234 drops (packets dropped: table full or entry not created)',
      ],
    },
    {
      name: 'exactly at the threshold',
      facts: facts({ count: 900, max: 1000 }),
      want: ['usage 90.0% ≥ 90% (900 of nf_conntrack_max 1000)'],
    },
    { name: 'shown as 90.0% but below 90%', facts: facts({ count: 89996, max: 100000 }), want: [] },
    {
      name: 'one drop',
      facts: facts({ stats: stats(1, 0, 0) }),
      want: ['1 drop (packets dropped: table full or entry not created)'],
    },
    {
      name: 'early_drop and insert_failed',
      facts: facts({ stats: stats(0, 7, 3) }),
      want: [
        '7 early_drop (entries evicted to make room: the table is full)',
        '3 insert_failed (entries that could not be inserted)',
      ],
    },
    { name: 'count unknown, no stats', facts: facts({ count: null, stats: null }), want: [] },
    { name: 'max unknown', facts: facts({ count: 100, max: null }), want: [] },
    { name: 'max 0 (nonsense) is no alarm, not a division by zero', facts: facts({ count: 5, max: 0 }), want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(findCheckAlarms(c.facts, { failAbovePercent: 90 }), c.want));
  }

  it('the threshold is a parameter', () => {
    const half = facts({ count: 32768 });
    assert.deepEqual(findCheckAlarms(half, { failAbovePercent: 50 }), [
      'usage 50.0% ≥ 50% (32768 of nf_conntrack_max 65536)',
    ]);
    assert.deepEqual(findCheckAlarms(half, { failAbovePercent: 51 }), []);
  });
});

describe('checkExitCode', () => {
  const full = withAlarms(answered('full', { count: 65536 }), { failAbovePercent: 90 });
  const healthy = withAlarms(answered('ok'), { failAbovePercent: 90 });
  const gone = withAlarms(unreachable('gone', 'connect ECONNREFUSED 127.0.0.1:22'), { failAbovePercent: 90 });
  const cases: { name: string; results: CheckResult[]; noFail: boolean; want: 0 | 1 }[] = [
    { name: 'all healthy', results: [healthy], noFail: false, want: 0 },
    { name: 'a full host', results: [healthy, full], noFail: false, want: 1 },
    { name: 'a full host, --no-fail', results: [healthy, full], noFail: true, want: 0 },
    { name: 'unreachable, --no-fail still fails', results: [healthy, gone], noFail: true, want: 1 },
    {
      name: 'answered with an error (gather failed)',
      results: [{ host: 'x', reachable: true, error: 'fact gathering failed', facts: null }],
      noFail: true,
      want: 1,
    },
    { name: 'no alarms field (old shape)', results: [answered('ok')], noFail: false, want: 0 },
  ];
  for (const c of cases) it(c.name, () => assert.equal(checkExitCode(c.results, { noFail: c.noFail }), c.want));

  it('an unreachable host has no alarms (it fails as unreachable)', () => assert.deepEqual(gone.alarms, []));
});
