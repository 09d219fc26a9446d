import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countOutcomes, type HostOutcome } from '../../src/runner/outcome.js';
import { formatRunSummary } from '../../src/report/summary-line.js';

describe('formatRunSummary', () => {
  const cases: [HostOutcome[], number, string][] = [
    [['changed', 'changed', 'changed', 'unchanged', 'rolled-back'], 1, '5 hosts: 3 changed, 1 unchanged, 1 rolled-back (exit 1)'],
    [['unchanged'], 0, '1 host: 1 unchanged (exit 0)'],
    [[], 0, '0 hosts: none (exit 0)'],
    [['rollback-failed', 'unreachable', 'changed', 'skipped', 'failed'], 4, '5 hosts: 1 changed, 1 skipped, 1 failed, 1 unreachable, 1 rollback-failed (exit 4)'],
  ];
  for (const [outcomes, exitCode, expected] of cases) {
    it(expected, () => assert.equal(formatRunSummary(countOutcomes(outcomes), exitCode), expected));
  }
});
