/**
 * One run of the SHIPPED playbooks/tune.yaml (serial [1, 10%, 100%], a 10 s soak gate) on 2 lab hosts: a canary
 * batch, the gate, then the rest; both hosts end up tuned exactly as the playbook says.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { writeKnob } from './run-host-state.js';
import { useTestLab } from './lab-suite.js';
import {
  hostReport,
  labSkip,
  requireReport,
  runPlaybook,
  shippedPlaybook,
  transcript,
  type RunOutcome,
  type RunReport,
} from './run-lab.js';
import { expectTuned, expectTuneReport, readBefore, readTuneSpec, type HostBefore } from './run-tune-expect.js';

const portBase = 25100;
const playbook = shippedPlaybook('tune.yaml');
const spec = readTuneSpec(playbook);
const hosts = ['lab1', 'lab2'];

describe('run the shipped playbooks/tune.yaml: canary, gate, rest', { skip: labSkip }, () => {
  const t = useTestLab('run-shipped-tune', hosts.length, portBase);
  const initial = new Map<string, HostBefore>();
  let run: RunOutcome;
  let report: RunReport;
  let elapsedMs = 0;

  before(async () => {
    await writeKnob(t.lab, 'lab2', 'hashsize', 16384); // so set_hashsize has work on one host
    for (const host of hosts) initial.set(host, await readBefore(t.lab, host, spec));
    const startedAt = Date.now();
    run = await runPlaybook(t, playbook);
    elapsedMs = Date.now() - startedAt;
    report = requireReport(run);
  });

  it('exit 0, both hosts changed and tuned as specified', async () => {
    assert.equal(run.cli.exitCode, 0, transcript(run.cli));
    for (const host of hosts) {
      await expectTuned(t.lab, host, initial.get(host)!, spec);
      expectTuneReport(hostReport(report, host), initial.get(host)!, spec);
    }
  });

  it('lab1 is the canary batch; lab2 starts only after the gate after it passed', () => {
    assert.deepEqual(
      hosts.map((h) => hostReport(report, h).batch),
      [1, 2],
    );
    const lines = run.cli.stdout.split('\n');
    const at = (pattern: RegExp): number => lines.findIndex((line) => pattern.test(line));
    const canary = at(/^fleet: batch 1\/2: lab1$/);
    const soak = at(/^fleet: gate after batch 1\/2: soaking 10s$/);
    const passed = at(/^fleet: gate after batch 1\/2 passed$/);
    const firstLab1 = at(/^lab1: /);
    const firstLab2 = at(/^lab2: /);
    assert.ok(
      canary >= 0 && canary < firstLab1 && firstLab1 < soak && soak < passed && passed < firstLab2,
      `order:\n${run.cli.stdout}`,
    );
    assert.ok(elapsedMs >= 10_000, `the 10 s soak happened (run took ${elapsedMs} ms)`);
  });

  it('the report records the gate after the canary batch as passed', () => {
    const gate = report.gates.find((g) => g.batch === 1);
    assert.deepEqual(gate, { batch: 1, soak_ms: 10_000, passed: true, failed_hosts: [] });
  });
});
