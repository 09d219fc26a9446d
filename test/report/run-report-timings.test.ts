/** Per-phase timings of a host reach the JSON report in snake_case; hosts without them carry no `timings` key. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEvent } from '../../src/runner/events.js';
import { buildRunReport } from '../../src/report/run-report.js';
import { hostResult } from './run-events.fixture.js';

const meta = {
  playbook: 'tune.yaml',
  startedAt: new Date('2025-01-02T03:04:05Z'),
  finishedAt: new Date('2025-01-02T03:05:00Z'),
};

test('connect_ms, lock_ms, gather_ms, journal_ms per host and apply_ms per applied step', () => {
  const step = {
    step: 'raise_max',
    label: 'raise_max',
    outcome: 'changed' as const,
    lines: [],
    warnings: [],
    before: {},
    after: {},
    error: null,
  };
  const events: RunEvent[] = [
    { type: 'run-start', runId: 'r', hosts: ['a', 'b'], steps: [], batches: [['a', 'b']] },
    {
      type: 'host-end',
      result: hostResult('a', 0, 'changed', {
        steps: [
          { ...step, applyMs: 12 },
          { ...step, outcome: 'unchanged' },
        ],
        timings: { connectMs: 40, lockMs: 5, gatherMs: 30, journalMs: 4 },
      }),
    },
    { type: 'host-end', result: hostResult('b', 0, 'unreachable', { error: 'refused' }) },
  ];
  const [a, b] = buildRunReport(events, meta).hosts;
  assert.deepEqual(a?.timings, { connect_ms: 40, lock_ms: 5, gather_ms: 30, journal_ms: 4 });
  assert.deepEqual(
    a?.steps.map((s) => s.apply_ms),
    [12, undefined],
  );
  assert.equal(Object.hasOwn(a?.steps[1] ?? {}, 'apply_ms'), false, 'a step that did not run has no apply_ms');
  assert.equal(b?.timings, undefined);
});
