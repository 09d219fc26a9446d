/** Pure: `rollback --last` after a run that changed nothing is "nothing to roll back" (exit 0), not bad input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostJournals } from '../../src/cli/journal-decisions.js';
import { nothingToRollBack } from '../../src/cli/rollback.js';
import type { JournalEntry } from '../../src/runner/journal.js';
import { target } from '../runner/fake-host.js';

const entry = (runId: string, appliedCount: number): JournalEntry => ({
  version: 1,
  run_id: runId,
  playbook: 'p.yaml',
  host: 'h',
  started_at: '2026-11-29T10:00:00Z',
  updated_at: '2026-11-29T10:00:00Z',
  state: 'applying',
  changes: [],
  applied_count: appliedCount,
});
const host = (name: string, entries: JournalEntry[], error: string | null = null): HostJournals => ({
  target: target(name),
  entries,
  error,
});

describe('nothingToRollBack (rollback --last)', () => {
  const cases: Array<[string, HostJournals[], string | null, string | null]> = [
    ['no journal on any host', [host('a', []), host('b', [])], null, 'no run has left a journal on the selected hosts'],
    [
      'the last run crashed before its first write',
      [host('a', [entry('R1', 0)]), host('b', [])],
      'R1',
      'the last run, R1, changed nothing on the selected hosts',
    ],
    ['the last run changed a host', [host('a', [entry('R1', 0)]), host('b', [entry('R1', 2)])], 'R1', null],
    [
      'a host whose journal was not read may hide a change',
      [host('a', []), host('b', [], 'connection refused')],
      null,
      null,
    ],
  ];
  for (const [name, journals, runId, expected] of cases)
    it(name, () => assert.equal(nothingToRollBack(journals, runId), expected));
});
