import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countOutcomes, type HostOutcome } from '../../src/runner/outcome.js';
import { formatRunEndLine, formatRunStartLine, formatRunSummary, outcomeWord } from '../../src/report/summary-line.js';

describe('formatRunSummary', () => {
  const cases: [HostOutcome[], number, string][] = [
    [
      ['changed', 'changed', 'changed', 'unchanged', 'rolled-back'],
      1,
      '5 hosts: 3 changed, 1 unchanged, 1 rolled-back (exit 1)',
    ],
    [['unchanged'], 0, '1 host: 1 unchanged (exit 0)'],
    [[], 0, '0 hosts: none (exit 0)'],
    [
      ['rollback-failed', 'unreachable', 'changed', 'skipped', 'failed'],
      4,
      '5 hosts: 1 changed, 1 skipped, 1 failed, 1 unreachable, 1 rollback-failed (exit 4)',
    ],
  ];
  for (const [outcomes, exitCode, expected] of cases) {
    it(expected, () => assert.equal(formatRunSummary(countOutcomes(outcomes), exitCode), expected));
  }
});

describe('formatRunSummary in check mode', () => {
  const cases: [HostOutcome[], string][] = [
    [['changed', 'changed', 'unchanged'], '3 hosts: 2 would change, 1 unchanged (exit 0)'],
    [['changed', 'unreachable'], '2 hosts: 1 would change, 1 unreachable (exit 1)'],
    [['unchanged'], '1 host: 1 unchanged (exit 0)'],
  ];
  for (const [outcomes, expected] of cases) {
    it(expected, () =>
      assert.equal(
        formatRunSummary(countOutcomes(outcomes), expected.endsWith('(exit 1)') ? 1 : 0, { checkMode: true }),
        expected,
      ),
    );
  }
  it('says "changed" when not in check mode', () => assert.equal(outcomeWord('changed'), 'changed'));
});

describe('run id lines', () => {
  const id = '20261130T010203Z-3f9a';
  const cases: [string, string][] = [
    [formatRunStartLine(id, 'tune.yaml'), `run ${id}: started, tune.yaml`],
    [
      formatRunStartLine(id, 'tune.yaml', { checkMode: true }),
      `run ${id}: started, tune.yaml (check mode: nothing is changed)`,
    ],
    [formatRunEndLine(id, 0), `run ${id}: finished, exit 0`],
    [
      formatRunEndLine(id, 1, `conntrack-fleet rollback --run ${id} -i inv.yaml`),
      `run ${id}: finished, exit 1; undo with: conntrack-fleet rollback --run ${id} -i inv.yaml`,
    ],
    [formatRunEndLine(id, null), `run ${id}: ended early`],
  ];
  for (const [actual, expected] of cases) it(expected, () => assert.equal(actual, expected));
});
