/** What reporters keep of the run's events for its end: not a host's facts, its plans only for --diff. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostFacts } from '../../src/facts/types.js';
import { createJsonReporter } from '../../src/report/json-reporter.js';
import { keptForReport } from '../../src/report/kept-events.js';
import type { RunReport } from '../../src/report/run-report.js';
import type { RunEvent } from '../../src/runner/events.js';
import { hostResult } from '../../src/runner/step-results.js';
import type { StepPlan } from '../../src/steps/types.js';
import { createCapture } from './capture.fixture.js';

const content = (text: string) => ({
  contentBase64: Buffer.from(text).toString('base64'),
  mode: 0o644,
  uid: 0,
  gid: 0,
});
const plans = [
  {
    step: 'persist',
    label: 'persist',
    changes: [{ kind: 'file', path: '/etc/sysctl.conf', before: null, after: content('a = 1\n') }],
    warnings: [],
    lines: [],
    before: {},
    after: {},
  },
] as unknown as StepPlan[];
const step = { step: 'persist', label: 'persist', outcome: 'changed' as const, lines: [], warnings: [] };
const events: RunEvent[] = [
  { type: 'run-start', runId: 'r1', hosts: ['h1'], steps: [{ kind: 'persist', label: 'persist' }], batches: [['h1']] },
  { type: 'host-start', host: 'h1', batch: 0 },
  { type: 'host-facts', host: 'h1', facts: {} as HostFacts },
  { type: 'host-planned', host: 'h1', plans },
  {
    type: 'host-end',
    result: hostResult('h1', 0, 'changed', { steps: [{ ...step, before: {}, after: {}, error: null }] }),
  },
  {
    type: 'run-end',
    exitCode: 0,
    summary: {
      ...{ unchanged: 0, changed: 1, failed: 0 },
      'rolled-back': 0,
      'rollback-failed': 0,
      unreachable: 0,
      skipped: 0,
    },
  },
];

describe('keptForReport', () => {
  it('drops host-facts always and host-planned unless --diff; keeps everything the report reads', () => {
    const kinds = (diffs: boolean) => events.filter((e) => keptForReport(e, { diffs })).map((e) => e.type);
    assert.deepEqual(kinds(false), ['run-start', 'host-start', 'host-end', 'run-end']);
    assert.deepEqual(kinds(true), ['run-start', 'host-start', 'host-planned', 'host-end', 'run-end']);
  });

  it('the JSON report still carries each step file diff with --diff', async () => {
    for (const diffs of [true, false]) {
      const capture = createCapture();
      const reporter = createJsonReporter({ stream: capture.stream, playbook: 'p.yaml', diffs });
      events.forEach((e) => reporter.onEvent(e));
      await reporter.finish();
      const report = JSON.parse(capture.text()) as RunReport;
      const diff = report.hosts[0]?.steps[0]?.diffs;
      assert.equal(diff === undefined, !diffs);
      if (diffs) assert.match(diff?.[0]?.diff ?? '', /^\+a = 1$/m);
    }
  });
});
