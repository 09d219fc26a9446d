/** Canary batches and max_fail_percentage on lab hosts with a real sshd; every state is read from the hosts directly. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { describeRun } from './live-cli.js';
import { setSysctlConfImmutable } from './rollout-faults.js';
import { fleetState, hostJournals, knob, skipReason, writePlaybook } from './rollout-lab.js';
import { useRolloutLab } from './rollout-suite.js';
import { runCli } from './run-cli.js';
import { outcomesOf as outcomes, requireReport, runPlaybook } from './run-lab.js';

const portBase = 26000;

describe('rollout batches: canary and failure threshold', { skip: skipReason ?? false }, () => {
  const fleet = useRolloutLab(10, portBase);
  let playbook = '';

  before(async () => {
    playbook = await writePlaybook(fleet.tmp, 'canary', 'serial: [1, "50%", "100%"]');
  });

  it('a broken canary is rolled back, no other host is touched, exit 3', async () => {
    await setSysctlConfImmutable(fleet.lab, 'lab1', true);
    const run = await runPlaybook(fleet, playbook, ['-o', 'plain']);
    const result = run.cli;
    await setSysctlConfImmutable(fleet.lab, 'lab1', false);
    assert.equal(result.exitCode, 3, describeRun(result));
    const json = requireReport(run);
    assert.deepEqual(
      json.hosts.map((h) => [h.host, h.batch]),
      fleet.names.map((h, i) => [h, i === 0 ? 1 : i <= 5 ? 2 : 3]),
    );
    assert.deepEqual(
      outcomes(json),
      Object.fromEntries(fleet.names.map((h) => [h, h === 'lab1' ? 'rolled-back' : 'skipped'])),
    );
    assert.match(json.hosts[0]?.error ?? '', /persist/);
    assert.match(result.stdout, /rollout stopped after batch 1\/3: 1 of 1 hosts failed/);
    // read from the hosts: the canary is exactly as before, the others were never touched and hold no journal
    assert.deepEqual(await fleetState(fleet.lab, fleet.names), fleet.initial);
    const [canaryJournal, ...others] = await Promise.all(fleet.names.map((h) => hostJournals(fleet.lab, h)));
    assert.deepEqual(
      canaryJournal?.map((j) => [j.run_id, j.state, j.mode]),
      [[json.run_id, 'rolled-back', '600']],
    );
    assert.deepEqual(
      others.map((j) => j.length),
      fleet.names.slice(1).map(() => 0),
    );
  });

  it('--max-fail-percentage 50: 2 of 5 failed hosts continue the rollout, 3 of 5 stop it and roll the batch back', async () => {
    const six = fleet.names.slice(0, 6);
    const args = ['--limit', six.join(':'), '--serial', '5,100%', '--max-fail-percentage', '50', '-o', 'plain'];
    await Promise.all(['lab1', 'lab2'].map((h) => setSysctlConfImmutable(fleet.lab, h, true)));
    const firstRun = await runPlaybook(fleet, playbook, args);
    const first = firstRun.cli;
    assert.equal(first.exitCode, 1, describeRun(first));
    const firstJson = requireReport(firstRun);
    assert.deepEqual(outcomes(firstJson), {
      lab1: 'rolled-back',
      lab2: 'rolled-back',
      lab3: 'changed',
      lab4: 'changed',
      lab5: 'changed',
      lab6: 'changed',
    });
    assert.equal(firstJson.hosts.find((h) => h.host === 'lab6')?.batch, 2);
    assert.equal(await knob(fleet.lab, 'lab6'), '262144');

    // back to the start through the journals, on purpose: `rollback --run` of a finished run
    const undo = await runCli([
      'rollback',
      '--run',
      firstJson.run_id ?? '',
      '-i',
      fleet.inventory,
      '--limit',
      six.join(':'),
      '-o',
      'plain',
    ]);
    assert.equal(undo.exitCode, 0, describeRun(undo));
    assert.deepEqual(await fleetState(fleet.lab, six), new Map(six.map((h) => [h, fleet.initial.get(h)])));

    await setSysctlConfImmutable(fleet.lab, 'lab3', true);
    const secondRun = await runPlaybook(fleet, playbook, args);
    const second = secondRun.cli;
    await Promise.all(['lab1', 'lab2', 'lab3'].map((h) => setSysctlConfImmutable(fleet.lab, h, false)));
    assert.equal(second.exitCode, 3, describeRun(second));
    const secondJson = requireReport(secondRun);
    assert.deepEqual(outcomes(secondJson), {
      lab1: 'rolled-back',
      lab2: 'rolled-back',
      lab3: 'rolled-back',
      lab4: 'rolled-back',
      lab5: 'rolled-back',
      lab6: 'skipped',
    });
    assert.match(
      secondJson.hosts.find((h) => h.host === 'lab4')?.error ?? '',
      /rollout stopped: 3 of 5 hosts of batch 1 failed/,
    );
    assert.deepEqual(await fleetState(fleet.lab, six), new Map(six.map((h) => [h, fleet.initial.get(h)])));
    for (const host of ['lab4', 'lab5']) {
      const states = (await hostJournals(fleet.lab, host)).map((j) => [j.run_id, j.state]);
      assert.deepEqual(
        states,
        [
          [firstJson.run_id, 'rolled-back'],
          [secondJson.run_id, 'rolled-back'],
        ],
        host,
      );
    }
    assert.deepEqual(
      (await hostJournals(fleet.lab, 'lab6')).map((j) => j.run_id),
      [firstJson.run_id],
    );
  });

  it('on_abort: rollback-all also restores the batches before the failing one; keep leaves them changed', async () => {
    const four = ['lab7', 'lab8', 'lab9', 'lab10'];
    const limit = ['--limit', four.join(':')];
    await setSysctlConfImmutable(fleet.lab, 'lab9', true);
    const all = await writePlaybook(fleet.tmp, 'rollback-all', 'serial: [1, "100%"]\non_abort: rollback-all');
    const allRun = await runPlaybook(fleet, all, [...limit, '-o', 'plain']);
    const stopped = allRun.cli;
    assert.equal(stopped.exitCode, 3, describeRun(stopped));
    const allJson = requireReport(allRun);
    assert.deepEqual(outcomes(allJson), {
      lab7: 'rolled-back',
      lab8: 'rolled-back',
      lab9: 'rolled-back',
      lab10: 'rolled-back',
    });
    assert.deepEqual(await fleetState(fleet.lab, four), new Map(four.map((h) => [h, fleet.initial.get(h)])));
    for (const host of four)
      assert.deepEqual(
        (await hostJournals(fleet.lab, host)).map((j) => j.state),
        ['rolled-back'],
        host,
      );

    const keep = await writePlaybook(fleet.tmp, 'keep', 'serial: [1, "100%"]\non_abort: keep');
    const keepRun = await runPlaybook(fleet, keep, [...limit, '-o', 'plain']);
    const kept = keepRun.cli;
    await setSysctlConfImmutable(fleet.lab, 'lab9', false);
    assert.equal(kept.exitCode, 3, describeRun(kept));
    const keepJson = requireReport(keepRun);
    assert.deepEqual(outcomes(keepJson), { lab7: 'changed', lab8: 'changed', lab9: 'rolled-back', lab10: 'changed' });
    assert.deepEqual(await Promise.all(four.map((h) => knob(fleet.lab, h))), ['262144', '262144', '65536', '262144']);
    const undo = await runCli([
      'rollback',
      '--run',
      keepJson.run_id ?? '',
      '-i',
      fleet.inventory,
      ...limit,
      '-o',
      'plain',
    ]);
    assert.equal(undo.exitCode, 0, describeRun(undo));
    assert.deepEqual(await fleetState(fleet.lab, four), new Map(four.map((h) => [h, fleet.initial.get(h)])));
  });
});
