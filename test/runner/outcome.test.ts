import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  allOutcomes,
  changedOutcomes,
  type CommandName,
  countOutcomes,
  exitCodeOf,
  failedOutcomes,
  type HostOutcome,
  neverChangedOutcomes,
  type OutcomeSummary,
  readOutcome,
  retryableOutcomes,
  stoppedHostOutcome,
  summaryOf,
} from '../../src/runner/outcome.js';
import type { HostErrorKind } from '../../src/errors.js';

type Flags = Omit<OutcomeSummary, 'counts'>;

test('exitCodeOf: 4 beats 130 beats 3 beats 1 beats 0, per command', () => {
  const table: [CommandName, HostOutcome[], Flags, number][] = [
    ['run', ['changed', 'unchanged'], {}, 0],
    ['run', [], {}, 0],
    ['run', ['changed', 'skipped'], {}, 1], // skipped: locked by another run, not tuned
    ['run', ['changed', 'unreachable'], {}, 1],
    ['run', ['changed', 'rolled-back'], {}, 1],
    ['run', ['failed'], {}, 1],
    ['run', ['rolled-back', 'skipped'], { stopped: true }, 3],
    ['run', ['changed', 'unreachable', 'skipped'], { stopped: true }, 3], // stopped by max_unreachable_percent
    ['run', ['changed', 'rolled-back', 'skipped'], { interrupted: true }, 130],
    ['run', ['changed'], { interrupted: true, stopped: true }, 130],
    ['run', ['rollback-failed', 'skipped'], { interrupted: true }, 4],
    ['run', ['rollback-failed'], { stopped: true }, 4],
    ['rollback', ['rolled-back', 'unchanged'], {}, 0],
    ['rollback', ['rolled-back', 'skipped'], { nothingToDo: 1 }, 0], // no journal of that run on the host
    ['rollback', ['rolled-back', 'skipped'], {}, 1], // locked by a run in progress
    ['rollback', ['rolled-back', 'skipped', 'skipped'], { nothingToDo: 1 }, 1],
    ['rollback', ['unreachable'], {}, 1],
    ['rollback', ['rolled-back'], { interrupted: true }, 130],
    ['rollback', ['rollback-failed', 'rolled-back'], { interrupted: true }, 4],
    ['check', ['unchanged', 'unchanged'], {}, 0],
    ['check', ['unchanged', 'unreachable'], {}, 1],
    ['check', ['failed'], {}, 1],
    ['runs', ['unchanged'], {}, 0],
    ['runs', ['unreachable', 'unchanged'], {}, 1],
  ];
  for (const [command, outcomes, flags, code] of table) {
    assert.equal(
      exitCodeOf({ counts: countOutcomes(outcomes), ...flags }, command),
      code,
      `${command} ${outcomes.join(',')} ${JSON.stringify(flags)}`,
    );
  }
});

test('outcome sets: failed and never-changed are disjoint; retryable is everything but changed and unchanged', () => {
  const table: [HostOutcome, { failed: boolean; neverChanged: boolean; changed: boolean; retryable: boolean }][] = [
    ['unchanged', { failed: false, neverChanged: false, changed: false, retryable: false }],
    ['changed', { failed: false, neverChanged: false, changed: true, retryable: false }],
    ['failed', { failed: true, neverChanged: false, changed: false, retryable: true }],
    ['rolled-back', { failed: true, neverChanged: false, changed: false, retryable: true }],
    ['rollback-failed', { failed: true, neverChanged: false, changed: false, retryable: true }],
    ['unreachable', { failed: false, neverChanged: true, changed: false, retryable: true }],
    ['skipped', { failed: false, neverChanged: true, changed: false, retryable: true }],
  ];
  assert.deepEqual(
    table.map(([o]) => o),
    [...allOutcomes],
  );
  for (const [outcome, want] of table) {
    const got = {
      failed: failedOutcomes.has(outcome),
      neverChanged: neverChangedOutcomes.has(outcome),
      changed: changedOutcomes.has(outcome),
      retryable: retryableOutcomes.has(outcome),
    };
    assert.deepEqual(got, want, outcome);
  }
});

test('countOutcomes counts every outcome, zeros included, in a fixed order', () => {
  assert.deepEqual(countOutcomes(['changed', 'skipped', 'changed']), {
    unchanged: 0,
    changed: 2,
    failed: 0,
    'rolled-back': 0,
    'rollback-failed': 0,
    unreachable: 0,
    skipped: 1,
  });
});

test('readOutcome: check and runs map a read to unreachable / failed / unchanged', () => {
  assert.equal(readOutcome({ reachable: false, error: 'refused' }), 'unreachable');
  assert.equal(readOutcome({ reachable: true, error: 'parse error' }), 'failed');
  assert.equal(readOutcome({ reachable: true, error: null }), 'unchanged');
});

test('stoppedHostOutcome: only a refused sudo (nothing ran) is unreachable; every other stop before a change failed', () => {
  const table: [HostErrorKind, 'unreachable' | 'failed'][] = [
    ['become', 'unreachable'],
    ['gather', 'failed'],
    ['timeout', 'failed'], // the gather script was killed at its limit: it ran, and said nothing usable
    ['connection-lost', 'failed'],
    ['plan', 'failed'],
    ['remote-command', 'failed'],
  ];
  assert.deepEqual(
    table.map(([kind]) => [kind, stoppedHostOutcome(kind)]),
    table,
  );
});

test('summaryOf + exitCodeOf: the finer step kinds change no exit code; only no-journal skips are "done"', () => {
  const table: [CommandName, { outcome: HostOutcome; errorKind?: HostErrorKind }[], number][] = [
    ['run', [{ outcome: 'rolled-back', errorKind: 'kernel-refused' }], 1],
    ['run', [{ outcome: 'rolled-back', errorKind: 'verify-mismatch' }], 1],
    ['run', [{ outcome: 'rolled-back', errorKind: 'timeout' }], 1],
    ['run', [{ outcome: 'unreachable', errorKind: 'timeout' }], 1],
    ['run', [{ outcome: 'rollback-failed', errorKind: 'rollback' }], 4],
    ['rollback', [{ outcome: 'skipped', errorKind: 'no-journal' }], 0],
    ['rollback', [{ outcome: 'skipped', errorKind: 'lock' }], 1],
  ];
  for (const [command, results, code] of table) {
    assert.equal(exitCodeOf(summaryOf(results), command), code, `${command} ${JSON.stringify(results)}`);
  }
});
