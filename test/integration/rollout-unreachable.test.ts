/**
 * Rollouts judge the change, not the network: hosts that cannot be reached (a refused port, a listener that never
 * greets) were never changed, so they neither count as failed nor roll back healthy hosts; max_unreachable_percent
 * may stop the rollout on them. Real sshd lab hosts; every state is read from the hosts directly.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { describeRun } from './live-cli.js';
import { listenSilent, refusedPort, type SilentListener, writeInventoryWith } from './rollout-faults.js';
import { fleetState, hostJournals, knob, skipReason, writePlaybook } from './rollout-lab.js';
import { useRolloutLab } from './rollout-suite.js';
import { runCli } from './run-cli.js';
import { requireReport, runPlaybook, type RunReport } from './run-lab.js';

const portBase = 28740;
/** Long enough for sshd in a loaded lab, short enough that the silent host does not slow the test much. */
const connectTimeoutMs = '3000';
/** Every run here: the given inventory (lab hosts and unreachable ones), plain output, the short connect timeout. */
const via = (inventory: string) => ['-i', inventory, '-o', 'plain', '--connect-timeout', connectTimeoutMs];

function outcomes(report: RunReport): [string, number, string][] {
  return report.hosts.map((h) => [h.host, h.batch, h.outcome]);
}

describe('rollout: unreachable hosts are not evidence against the change', { skip: skipReason ?? false }, () => {
  const fleet = useRolloutLab(4, portBase);
  let silent: SilentListener;
  let ports: Record<string, number> = {};

  before(async () => {
    silent = await listenSilent();
    ports = { refused: await refusedPort(), silent: silent.port };
  });

  after(async () => {
    await silent?.close();
  });

  it('a refused port and a silent listener in the last batch: its 3 healthy hosts stay changed, exit 1, the retry file lists the two', async () => {
    const inventory = await writeInventoryWith(fleet, 'last-batch', ports, [...fleet.names, 'refused', 'silent']);
    const playbook = await writePlaybook(fleet.tmp, 'canary', 'serial: [1, "100%"]');
    const retryFile = path.join(fleet.tmp, 'retry.yaml');
    const accepted = silent.connections();
    const run = await runPlaybook(fleet, playbook, [...via(inventory), '--retry-file', retryFile]);
    const result = run.cli;

    assert.equal(result.exitCode, 1, describeRun(result));
    assert.doesNotMatch(result.stdout, /rollout stopped|rolling back/, describeRun(result));
    const report = requireReport(run);
    assert.equal(report.exit_code, 1);
    assert.deepEqual(outcomes(report), [
      ['lab1', 1, 'changed'],
      ['lab2', 2, 'changed'],
      ['lab3', 2, 'changed'],
      ['lab4', 2, 'changed'],
      ['refused', 2, 'unreachable'],
      ['silent', 2, 'unreachable'],
    ]);
    assert.match(report.hosts[4]?.error ?? '', /connection refused/);
    // both are unreachable; the kind tells a closed port from a host that never answered the handshake
    assert.deepEqual(
      report.hosts.slice(4).map((h) => [h.host, h.error_kind]),
      [
        ['refused', 'unreachable'],
        ['silent', 'timeout'],
      ],
    );
    assert.ok(silent.connections() > accepted, 'the silent listener was really connected to');
    // claimed before batch 1: both are reported before the canary even starts, not when their batch comes
    const lines = result.stdout.split('\n');
    const firstLab = lines.findIndex((l) => l.startsWith('lab1:'));
    for (const host of ['refused', 'silent']) {
      const at = lines.findIndex((l) => l.startsWith(`${host}: unreachable`));
      assert.ok(at >= 0 && at < firstLab, `${host} is reported at claim time:\n${result.stdout}`);
    }
    // read from the hosts: every lab host is tuned and its journal says done
    assert.deepEqual(
      await Promise.all(fleet.names.map((h) => knob(fleet.lab, h))),
      fleet.names.map(() => '262144'),
    );
    const journals = await Promise.all(fleet.names.map((h) => hostJournals(fleet.lab, h)));
    assert.deepEqual(
      journals.map((js) => js.map((j) => [j.run_id, j.state])),
      fleet.names.map(() => [[report.run_id, 'done']]),
    );
    const retry = parse(await readFile(retryFile, 'utf8')) as { all: { hosts: Record<string, unknown> } };
    assert.deepEqual(Object.keys(retry.all.hosts), ['refused', 'silent']);

    const undo = await runCli(['rollback', '--run', report.run_id ?? '', '-i', fleet.inventory, '-o', 'plain']);
    assert.equal(undo.exitCode, 0, describeRun(undo));
    assert.deepEqual(await fleetState(fleet.lab, fleet.names), fleet.initial);
  });

  it('max_unreachable_percent: 40 stops after a canary batch with 1 of 2 unreachable (exit 3, the changed host kept); the flag overrides it', async () => {
    const inventory = await writeInventoryWith(fleet, 'first-batch', ports, ['lab1', 'refused', 'lab2', 'lab3']);
    const playbook = await writePlaybook(fleet.tmp, 'bounded', 'serial: [2, "100%"]\nmax_unreachable_percent: 40');
    const stoppedRun = await runPlaybook(fleet, playbook, via(inventory));
    const stopped = stoppedRun.cli;

    assert.equal(stopped.exitCode, 3, describeRun(stopped));
    assert.match(stopped.stdout, /^fleet: rollout stopped after batch 1\/2: 1 of 2 hosts unreachable or locked$/m);
    const report = requireReport(stoppedRun);
    assert.deepEqual(outcomes(report), [
      ['lab1', 1, 'changed'],
      ['refused', 1, 'unreachable'],
      ['lab2', 2, 'skipped'],
      ['lab3', 2, 'skipped'],
    ]);
    assert.equal(report.hosts[2]?.error, 'rollout stopped before this batch');
    // the network stopped the rollout, not the change: lab1 keeps it; lab2 and lab3 were never touched
    assert.equal(await knob(fleet.lab, 'lab1'), '262144');
    const ofThisRun = async (host: string) =>
      (await hostJournals(fleet.lab, host)).filter((j) => j.run_id === report.run_id).map((j) => j.state);
    assert.deepEqual(await ofThisRun('lab1'), ['done']);
    assert.deepEqual(
      await fleetState(fleet.lab, ['lab2', 'lab3']),
      new Map(['lab2', 'lab3'].map((h) => [h, fleet.initial.get(h)])),
    );
    for (const host of ['lab2', 'lab3']) assert.deepEqual(await ofThisRun(host), [], host);

    const overridden = await runCli(['run', playbook, ...via(inventory), '--max-unreachable-percent', '50']);
    assert.equal(overridden.exitCode, 1, describeRun(overridden));
    assert.doesNotMatch(overridden.stdout, /rollout stopped/);
    assert.match(overridden.stdout, /^lab1: unchanged$/m);
    for (const host of ['lab2', 'lab3']) assert.match(overridden.stdout, new RegExp(`^${host}: changed$`, 'm'));
    assert.deepEqual(await Promise.all(['lab1', 'lab2', 'lab3'].map((h) => knob(fleet.lab, h))), [
      '262144',
      '262144',
      '262144',
    ]);
  });
});
