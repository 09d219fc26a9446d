import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createJsonReporter } from '../../src/report/json-reporter.js';
import type { RunReport } from '../../src/report/run-report.js';
import { createCapture } from './capture.fixture.js';
import { fleetRun } from './run-events.fixture.js';

describe('json reporter', () => {
  it('is silent during the run, then prints one report', async () => {
    const capture = createCapture();
    const reporter = createJsonReporter({ stream: capture.stream, playbook: 'playbooks/tune.yaml' });
    fleetRun().forEach((e) => reporter.onEvent(e));
    assert.equal(capture.text(), '');
    await reporter.finish();
    const report = JSON.parse(capture.text()) as RunReport;
    assert.equal(report.run_id, 'run-42');
    assert.equal(report.playbook, 'playbooks/tune.yaml');
    assert.equal(report.exit_code, 4);
    assert.deepEqual(report.summary, {
      unchanged: 1,
      changed: 1,
      failed: 0,
      'rolled-back': 1,
      'rollback-failed': 1,
      unreachable: 1,
      skipped: 0,
    });
    assert.equal(report.hosts.length, 5);
    assert.ok(Date.parse(report.finished_at) >= Date.parse(report.started_at));
  });
});
