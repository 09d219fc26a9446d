/** A controller killed with SIGKILL mid-rollout: the on-host journals let `rollback` restore every host exactly. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRun, startCli } from './live-cli.js';
import { slowNextSync, waitForSlowSync } from './rollout-faults.js';
import { fleetState, hostJournals, skipReason, writePlaybook } from './rollout-lab.js';
import { useRolloutLab } from './rollout-suite.js';
import { runCli } from './run-cli.js';
import { requireReport, runReporting } from './run-lab.js';

const portBase = 26200;

describe('rollout crash: SIGKILL, then rollback from the journals', { skip: skipReason ?? false }, () => {
  const fleet = useRolloutLab(3, portBase);

  it('killed during the soak after batch 1: `runs` shows the run, `rollback --run` makes every host byte-identical', async () => {
    const playbook = await writePlaybook(fleet.tmp, 'soaked', 'serial: [2, "100%"]\ngate:\n  soak: 60s');
    const run = startCli(['run', playbook, '-i', fleet.inventory, '-o', 'plain']);
    await run.waitFor(/soaking 60s/);
    run.child().kill('SIGKILL');
    assert.equal((await run.done).signal, 'SIGKILL');

    const journals = await Promise.all(fleet.names.map((h) => hostJournals(fleet.lab, h)));
    assert.deepEqual(
      journals.map((js) => js.map((j) => [j.state, j.mode])),
      [[['done', '600']], [['done', '600']], []],
    );
    const runId = journals[0]?.[0]?.run_id ?? '';
    assert.notDeepEqual(await fleetState(fleet.lab, ['lab1']), new Map([['lab1', fleet.initial.get('lab1')]]));

    const runs = await runCli(['runs', '-i', fleet.inventory, '-o', 'json']);
    assert.equal(runs.exitCode, 0, describeRun(runs));
    const listed = (JSON.parse(runs.stdout) as { host: string; runs: { run_id: string; state: string }[] }[]).map(
      (h) => [h.host, h.runs.map((r) => `${r.run_id} ${r.state}`)],
    );
    assert.deepEqual(listed, [
      ['lab1', [`${runId} done`]],
      ['lab2', [`${runId} done`]],
      ['lab3', []],
    ]);

    const undone = await runReporting(fleet, ['rollback', '--run', runId, '-i', fleet.inventory, '-o', 'plain']);
    const undo = undone.cli;
    assert.equal(undo.exitCode, 0, describeRun(undo));
    const report = requireReport(undone);
    assert.deepEqual(
      report.hosts.map((h) => [h.host, h.outcome]),
      [
        ['lab1', 'rolled-back'],
        ['lab2', 'rolled-back'],
        ['lab3', 'skipped'],
      ],
    );
    assert.deepEqual(await fleetState(fleet.lab, fleet.names), fleet.initial);
    const after = await Promise.all(fleet.names.map((h) => hostJournals(fleet.lab, h)));
    assert.deepEqual(
      after.map((js) => js.map((j) => j.state)),
      [['rolled-back'], ['rolled-back'], []],
    );
  });

  it('killed in the middle of a step: `rollback --last` waits for the orphaned write, then restores the host exactly', async () => {
    const playbook = await writePlaybook(fleet.tmp, 'single', 'serial: 1');
    // lab3's persist step hangs in its first write for 6 s, so the kill lands mid-step
    await slowNextSync(fleet.lab, 'lab3', 6);
    const run = startCli(['run', playbook, '-i', fleet.inventory, '--limit', 'lab3', '-o', 'plain']);
    await run.waitFor(/^lab3: set_timeouts: .* ok$/);
    await waitForSlowSync(fleet.lab, 'lab3');
    run.child().kill('SIGKILL');
    const killedAt = Date.now();
    assert.equal((await run.done).signal, 'SIGKILL');
    assert.deepEqual(
      (await hostJournals(fleet.lab, 'lab3')).map((j) => j.state),
      ['applying'],
    );

    // the script the dead controller started still runs on lab3 and will still replace /etc/sysctl.conf
    const undo = await runCli(['rollback', '--last', '-i', fleet.inventory, '--limit', 'lab3', '-o', 'plain']);
    assert.equal(undo.exitCode, 0, describeRun(undo));
    assert.match(undo.stdout, /^lab3: rolled back, verified exact$/m);
    // judge only once the orphaned script has surely ended (its write would otherwise land after the check)
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, killedAt + 7000 - Date.now())));
    assert.deepEqual(await fleetState(fleet.lab, fleet.names), fleet.initial);
    assert.deepEqual(
      (await hostJournals(fleet.lab, 'lab3')).map((j) => j.state),
      ['rolled-back'],
    );
  });
});
