/** The health gate between batches on lab hosts: drops (stats stand-in) and usage during the soak fail hosts. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { describeRun, startReporting } from './live-cli.js';
import { setSysctlConfImmutable } from './rollout-faults.js';
import { fleetState, hostJournals, skipReason, writePlaybook } from './rollout-lab.js';
import { useRolloutLab } from './rollout-suite.js';
import { runCli } from './run-cli.js';
import { requireReport, runPlaybook } from './run-lab.js';

const portBase = 26100;
const countFile = '/proc/sys/net/netfilter/nf_conntrack_count';

describe('rollout gate: soak, then judge drops and usage', { skip: skipReason ?? false }, () => {
  const fleet = useRolloutLab(4, portBase);
  let playbook = '';
  let logFile = '';

  before(async () => {
    playbook = await writePlaybook(
      fleet.tmp,
      'gated',
      `serial: [3, "100%"]
gate:
  soak: 2s
  max_usage_percent: 90
  max_new_drops: 0
`,
    );
    logFile = path.join(fleet.tmp, 'rollout.log');
  });

  it('hosts whose drops grow or whose table fills during the soak fail the gate; the batch is rolled back, exit 3', async () => {
    const run = startReporting(fleet, ['run', playbook, '-i', fleet.inventory, '-o', 'plain', '--log', logFile]);
    await run.waitFor(/^fleet: gate after batch 1\/2: soaking 2s$/);
    // while the batch soaks: lab2 drops packets, lab3's table is nearly full (250000 of the new 262144)
    await fleet.lab.addDrops('lab2', 5);
    await fleet.lab.exec('lab3', `echo 250000 > ${countFile}`);
    const outcome = await run.outcome;
    const result = outcome.cli;
    await fleet.lab.exec('lab3', `echo 3600 > ${countFile}`);
    assert.equal(result.exitCode, 3, describeRun(result));
    assert.match(result.stdout, /^lab2: gate failed: 5 new drops \(drop \+5\) > 0 allowed$/m);
    assert.match(result.stdout, /^lab3: gate failed: table 95\.4% full \(250000 of 262144\) > 90%$/m);
    const report = requireReport(outcome);
    assert.deepEqual(
      report.gates.map((g) => [g.batch, g.soak_ms, g.passed, g.failed_hosts.map((f) => f.host)]),
      [[1, 2000, false, ['lab2', 'lab3']]],
    );
    assert.deepEqual(
      report.hosts.map((h) => [h.host, h.batch, h.outcome]),
      [
        ['lab1', 1, 'rolled-back'],
        ['lab2', 1, 'rolled-back'],
        ['lab3', 1, 'rolled-back'],
        ['lab4', 2, 'skipped'],
      ],
    );
    assert.match(report.hosts[1]?.error ?? '', /^health gate: 5 new drops/);
    assert.match(report.hosts[0]?.error ?? '', /^rollout stopped: 2 of 3 hosts of batch 1 failed/);
    assert.deepEqual(await fleetState(fleet.lab, fleet.names), fleet.initial);
    const journals = await Promise.all(fleet.names.map((h) => hostJournals(fleet.lab, h)));
    assert.deepEqual(
      journals.map((js) => js.map((j) => j.state)),
      [['rolled-back'], ['rolled-back'], ['rolled-back'], []],
    );
  });

  it('drops from before the run do not count; a quiet soak passes the gate; no soak after the last batch', async () => {
    await fleet.lab.addDrops('lab1', 100);
    const run = await runPlaybook(fleet, playbook, ['-o', 'plain', '--log', logFile]);
    const result = run.cli;
    assert.equal(result.exitCode, 0, describeRun(result));
    assert.match(result.stdout, /gate after batch 1\/2: soaking 2s\nfleet: gate after batch 1\/2 passed\n/);
    // the gate protects later batches: after the last one there is none to protect, so no soak
    assert.equal(result.stdout.match(/soaking/g)?.length, 1, result.stdout);
    const report = requireReport(run);
    assert.deepEqual(
      report.gates.map((g) => [g.batch, g.passed]),
      [[1, true]],
    );
    assert.deepEqual(
      report.hosts.map((h) => h.outcome),
      ['changed', 'changed', 'changed', 'changed'],
    );
    const log = await readFile(logFile, 'utf8');
    // one header per run, then the same plain lines as stdout, then the run id's end line
    assert.equal(log.match(/^# \S+ run \S+: .*gated\.yaml$/gm)?.length, 2);
    const endLine = /\n# run \S+: finished, exit 0[^\n]*\n$/;
    assert.match(log, endLine);
    assert.ok(log.replace(endLine, '\n').endsWith(result.stdout), log);
  });

  it('a batch that already exceeded max_fail_percentage is not soaked: the rollout stops at once', async () => {
    const undo = await runCli(['rollback', '--last', '-i', fleet.inventory, '-o', 'plain']);
    assert.equal(undo.exitCode, 0, describeRun(undo));
    const long = await writePlaybook(fleet.tmp, 'long-soak', 'serial: [1, "100%"]\ngate:\n  soak: 60s');
    await setSysctlConfImmutable(fleet.lab, 'lab1', true);
    const startedMs = Date.now();
    const run = await runPlaybook(fleet, long, ['-o', 'plain']);
    const result = run.cli;
    const elapsedMs = Date.now() - startedMs;
    await setSysctlConfImmutable(fleet.lab, 'lab1', false);
    assert.equal(result.exitCode, 3, describeRun(result));
    assert.doesNotMatch(result.stdout, /soaking/, describeRun(result));
    const report = requireReport(run);
    assert.deepEqual(report.gates, []);
    assert.deepEqual(
      report.hosts.map((h) => h.outcome),
      ['rolled-back', 'skipped', 'skipped', 'skipped'],
    );
    // a 60 s soak would have shown in the run's length
    assert.ok(elapsedMs < 45_000, `the run took ${elapsedMs} ms`);
    assert.deepEqual(await fleetState(fleet.lab, fleet.names), fleet.initial);
  });
});
