/** SIGINT during a rollout on lab hosts: the first rolls back hosts mid-run, the second stops once the write in flight ends. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { describeRun, startReporting } from './live-cli.js';
import { slowNextSync, waitForSlowSync } from './rollout-faults.js';
import { fleetState, hostJournals, skipReason, writePlaybook } from './rollout-lab.js';
import { useRolloutLab } from './rollout-suite.js';
import { runCli } from './run-cli.js';
import { requireReport } from './run-lab.js';

const portBase = 26300;

describe('rollout signals: SIGINT once, SIGINT twice', { skip: skipReason ?? false }, () => {
  const fleet = useRolloutLab(3, portBase);
  let single = '';

  before(async () => {
    single = await writePlaybook(fleet.tmp, 'single', 'serial: "100%"');
  });

  it('first SIGINT: the host mid-step finishes the step and is restored, no new host starts, exit 130', async () => {
    await slowNextSync(fleet.lab, 'lab1', 3);
    const run = startReporting(fleet, ['run', single, '-i', fleet.inventory, '-f', '1', '-o', 'plain']);
    await run.waitFor(/^lab1: set_timeouts: .* ok$/);
    await waitForSlowSync(fleet.lab, 'lab1');
    run.child().kill('SIGINT');
    const outcome = await run.outcome;
    const result = outcome.cli;
    assert.equal(result.exitCode, 130, describeRun(result));
    assert.match(
      result.stdout,
      /^lab1: persist: .* ok\nlab1: rolling back: interrupted\nlab1: rolled back, verified exact$/m,
    );
    const report = requireReport(outcome);
    assert.equal(report.exit_code, 130);
    assert.deepEqual(
      report.hosts.map((h) => [h.host, h.outcome, h.error]),
      [
        ['lab1', 'rolled-back', 'interrupted'],
        ['lab2', 'skipped', 'interrupted before it started'],
        ['lab3', 'skipped', 'interrupted before it started'],
      ],
    );
    assert.deepEqual(await fleetState(fleet.lab, fleet.names), fleet.initial);
    const journals = await Promise.all(fleet.names.map((h) => hostJournals(fleet.lab, h)));
    assert.deepEqual(
      journals.map((js) => js.map((j) => j.state)),
      [['rolled-back'], [], []],
    );
  });

  it('SIGINT during a gate soak ends the soak at once; finished hosts stay changed, later batches never start', async () => {
    const soaked = await writePlaybook(fleet.tmp, 'soaked', 'serial: [1, "100%"]\ngate:\n  soak: 60s');
    const run = startReporting(fleet, ['run', soaked, '-i', fleet.inventory, '--limit', 'lab2:lab3', '-o', 'plain']);
    await run.waitFor(/soaking 60s/);
    const interruptedAt = Date.now();
    run.child().kill('SIGINT');
    const outcome = await run.outcome;
    const result = outcome.cli;
    assert.equal(result.exitCode, 130, describeRun(result));
    assert.ok(Date.now() - interruptedAt < 15_000, 'the soak did not end on SIGINT');
    const report = requireReport(outcome);
    assert.deepEqual(
      report.hosts.map((h) => [h.host, h.outcome]),
      [
        ['lab2', 'changed'],
        ['lab3', 'skipped'],
      ],
    );
    assert.deepEqual(report.gates, [{ batch: 1, soak_ms: 60_000, passed: null, failed_hosts: [] }]);
    assert.deepEqual(
      (await hostJournals(fleet.lab, 'lab2')).map((j) => j.state),
      ['done'],
    );
    assert.deepEqual(await hostJournals(fleet.lab, 'lab3'), []);
    const undo = await runCli(['rollback', '--run', report.run_id ?? '', '-i', fleet.inventory, '-o', 'plain']);
    assert.equal(undo.exitCode, 0, describeRun(undo));
    assert.deepEqual(await fleetState(fleet.lab, fleet.names), fleet.initial);
  });

  it('second SIGINT: exits 130 only after the write in flight ended; the journal stays for `rollback --last`', async () => {
    // the persisted file's write, not the journal's (both go through the one write path, journal first)
    await slowNextSync(fleet.lab, 'lab1', 3, '/etc/');
    const run = startReporting(fleet, ['run', single, '-i', fleet.inventory, '-f', '1', '-o', 'plain']);
    await run.waitFor(/^lab1: set_timeouts: .* ok$/);
    await waitForSlowSync(fleet.lab, 'lab1');
    run.child().kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.child().kill('SIGINT');
    const result = await run.done;
    // read at once: had the controller not waited, the write would still hang in its temp file
    const etc = await fleet.lab.exec(
      'lab1',
      'ls -a /etc | grep -c "^\\.conntrack-fleet\\."; grep -c "^# END conntrack-fleet" /etc/sysctl.conf',
    );
    assert.equal(result.exitCode, 130, describeRun(result));
    assert.match(
      result.stderr,
      /second SIGINT: stopping; waiting for the remote scripts in flight on lab1 to end first/,
    );
    assert.match(result.stderr, /conntrack-fleet rollback --run \S+ -i /);
    // a host left for rollback is not a failed rollback; it gets its own exact command, and the summary and report are written
    assert.doesNotMatch(result.stdout + result.stderr, /ROLLBACK FAILED/);
    // lab1 is left for rollback with its exact command — or, when the second signal landed during its rollback
    // (timing: the slowed sync may be taken by an earlier write), restored exactly; never "ROLLBACK FAILED"
    const leftLine = /^lab1: .*left for: conntrack-fleet rollback --run \S+ -i \S+ -l lab1$/m;
    assert.ok(
      leftLine.test(result.stdout) || /^lab1: rolled back, verified exact$/m.test(result.stdout),
      describeRun(result),
    );
    assert.match(result.stdout, /^3 hosts: .*\(exit 130\)$/m);
    const report = requireReport(await run.outcome);
    assert.equal(report.exit_code, 130);
    const lab1 = report.hosts.find((h) => h.host === 'lab1');
    if (leftLine.test(result.stdout))
      assert.match(lab1?.error ?? '', /left for: conntrack-fleet rollback --run \S+ -i \S+ -l lab1$/);
    else assert.equal(lab1?.outcome, 'rolled-back');
    // no temp file left, and the managed block written (persist's write ended; where the block sits is persist's business)
    assert.equal(etc.stdout, '0\n1\n', describeRun(result));
    assert.deepEqual(
      (await hostJournals(fleet.lab, 'lab1')).map((j) => j.state),
      ['rolled-back', 'applying'],
    );

    const undo = await runCli(['rollback', '--last', '-i', fleet.inventory, '-o', 'plain']);
    assert.equal(undo.exitCode, 0, describeRun(undo));
    assert.deepEqual(await fleetState(fleet.lab, fleet.names), fleet.initial);
    assert.deepEqual(
      (await hostJournals(fleet.lab, 'lab1')).map((j) => j.state),
      ['rolled-back', 'rolled-back'],
    );
  });
});
