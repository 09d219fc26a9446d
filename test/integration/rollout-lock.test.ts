/** Two controllers on the same lab hosts: the host lock lets only one tune each host; the other skips it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRun, startReporting } from './live-cli.js';
import { slowNextSync } from './rollout-faults.js';
import { fleetState, hostJournals, skipReason, writePlaybook } from './rollout-lab.js';
import { useRolloutLab } from './rollout-suite.js';
import { runCli } from './run-cli.js';
import { requireReport, runPlaybook } from './run-lab.js';

const portBase = 26400;

describe('host lock: one controller per host', { skip: skipReason ?? false }, () => {
  const fleet = useRolloutLab(3, portBase);

  it('one batch: a host is locked while its run works on it (a second run skips it), and let go when it ended', async () => {
    const playbook = await writePlaybook(fleet.tmp, 'tune', 'serial: "100%"');
    // lab1 keeps the first run busy for 10 s; lab2 and lab3 end first, and nothing of that run can reach them after
    await slowNextSync(fleet.lab, 'lab1', 10);
    const first = startReporting(fleet, ['run', playbook, '-i', fleet.inventory, '-o', 'plain']);
    await first.waitFor(/^lab2: changed$/);
    await first.waitFor(/^lab3: changed$/);
    const secondRun = await runPlaybook(fleet, playbook, ['-o', 'plain']);
    const second = secondRun.cli;
    const firstRunId = (await hostJournals(fleet.lab, 'lab2'))[0]?.run_id ?? '';
    const firstRun = await first.outcome;
    const firstResult = firstRun.cli;

    assert.equal(firstResult.exitCode, 0, describeRun(firstResult));
    assert.equal(second.exitCode, 1, describeRun(second));
    const firstJson = requireReport(firstRun);
    const secondJson = requireReport(secondRun);
    assert.equal(firstJson.run_id, firstRunId);
    assert.deepEqual(
      firstJson.hosts.map((h) => h.outcome),
      ['changed', 'changed', 'changed'],
    );
    const lockedBy = `locked by run ${firstRunId} since ${firstJson.started_at}`;
    // lab1 was still the first run's; lab2 and lab3 were released when they ended, already tuned
    assert.deepEqual(
      secondJson.hosts.map((h) => [h.host, h.outcome, h.error]),
      [
        ['lab1', 'skipped', lockedBy],
        ['lab2', 'unchanged', null],
        ['lab3', 'unchanged', null],
      ],
    );
    assert.match(second.stdout, new RegExp(`^lab1: skipped: ${lockedBy}$`, 'm'));

    // each host was tuned once, by the first run
    for (const host of fleet.names) {
      assert.deepEqual(
        (await hostJournals(fleet.lab, host)).map((j) => [j.run_id, j.state]),
        [[firstRunId, 'done']],
        host,
      );
    }
    // the first run released its locks when it ended: now the rollback gets them
    const undo = await runCli(['rollback', '--run', firstRunId, '-i', fleet.inventory, '-o', 'plain']);
    assert.equal(undo.exitCode, 0, describeRun(undo));
    assert.deepEqual(await fleetState(fleet.lab, fleet.names), fleet.initial);
  });

  it('a rollout holds every host while it soaks on its canary gate: a second controller cannot touch a later-batch host', async () => {
    const canary = await writePlaybook(fleet.tmp, 'canary-gate', 'serial: [1, "100%"]\ngate:\n  soak: 6s');
    const all = await writePlaybook(fleet.tmp, 'all-at-once', 'serial: "100%"');
    const first = startReporting(fleet, ['run', canary, '-i', fleet.inventory, '-o', 'plain']);
    await first.waitFor(/^fleet: gate after batch 1\/2: soaking 6s$/);
    // lab2 and lab3 belong to the first run's batch 2, which has not started yet
    const secondRun = await runPlaybook(fleet, all, ['-o', 'plain']);
    const second = secondRun.cli;
    const firstRun = await first.outcome;
    const firstResult = firstRun.cli;

    assert.equal(second.exitCode, 1, describeRun(second));
    assert.equal(firstResult.exitCode, 0, describeRun(firstResult));
    const firstJson = requireReport(firstRun);
    const secondJson = requireReport(secondRun);
    const lockedBy = `locked by run ${firstJson.run_id} since ${firstJson.started_at}`;
    assert.deepEqual(
      secondJson.hosts.map((h) => [h.host, h.outcome, h.error]),
      fleet.names.map((h) => [h, 'skipped', lockedBy]),
    );
    assert.match(second.stdout, new RegExp(`^lab3: skipped: ${lockedBy}$`, 'm'));
    // the first run tuned its later batch itself: `changed`, not found `unchanged` after someone else tuned it
    assert.deepEqual(
      firstJson.hosts.map((h) => [h.host, h.batch, h.outcome]),
      [
        ['lab1', 1, 'changed'],
        ['lab2', 2, 'changed'],
        ['lab3', 2, 'changed'],
      ],
    );
    for (const host of fleet.names) {
      assert.deepEqual(
        (await hostJournals(fleet.lab, host)).filter((j) => j.run_id === secondJson.run_id),
        [],
        host,
      );
    }
    const undo = await runCli(['rollback', '--run', firstJson.run_id ?? '', '-i', fleet.inventory, '-o', 'plain']);
    assert.equal(undo.exitCode, 0, describeRun(undo));
    assert.deepEqual(await fleetState(fleet.lab, fleet.names), fleet.initial);
  });
});
