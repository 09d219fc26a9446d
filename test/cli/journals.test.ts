/** Pure: an unknown run id is bad input that lists the runs which exist. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRunKnown, type HostJournals } from '../../src/cli/journal-decisions.js';
import { InputError } from '../../src/errors.js';
import type { JournalEntry } from '../../src/runner/journal.js';
import { target } from '../runner/fake-host.js';

const entry = (runId: string, startedAt: string): JournalEntry => ({
  version: 1,
  run_id: runId,
  playbook: 'p.yaml',
  host: 'h',
  started_at: startedAt,
  updated_at: startedAt,
  state: 'done',
  changes: [],
  applied_count: 0,
});
const hosts: HostJournals[] = [
  {
    target: target('lab1'),
    entries: [entry('R2', '2026-11-29T11:00:00Z'), entry('R1', '2026-11-29T10:00:00Z')],
    error: null,
  },
  { target: target('lab2'), entries: [entry('R1', '2026-11-29T10:00:00Z')], error: null },
];

describe('checkRunKnown', () => {
  it('accepts a run that one host knows', () => assert.doesNotThrow(() => checkRunKnown('R2', hosts)));

  const cases: [string, HostJournals[], string][] = [
    [
      'lists the runs found, oldest first, once each',
      hosts,
      'no selected host has a journal for run R9; runs found: R1, R2',
    ],
    [
      'says when no run is recorded',
      [{ target: target('lab1'), entries: [], error: null }],
      'no selected host has a journal for run R9; no runs are recorded on them',
    ],
    [
      'names hosts whose journals were not read',
      [...hosts, { target: target('lab3'), entries: [], error: 'connection refused' }],
      'no selected host has a journal for run R9; runs found: R1, R2 (journals not read on lab3)',
    ],
  ];
  for (const [name, journals, message] of cases) {
    it(name, () =>
      assert.throws(
        () => checkRunKnown('R9', journals),
        (error: unknown) => error instanceof InputError && error.message === message,
      ),
    );
  }
});
