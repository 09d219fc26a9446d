/**
 * `rollback --run` of a run that is not the newest on the host, on lab hosts:
 *   run A (max 200000 + persist), then run C (max 262144 + persist: the same key and file)
 *   rollback --run A          refused on the host, naming C, exit 1, nothing changed
 *   rollback --run <unknown>  bad input, exit 2, listing the runs that exist, nothing changed
 *   rollback --run A --include-newer   C undone, then A: the host exactly as before A, both journals rolled-back
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { useTestLab } from './lab-suite.js';
import { runCli, type CliResult } from './run-cli.js';
import {
  allFields,
  contentFields,
  diffEtc,
  execOk,
  readKnobs,
  snapshotEtc,
  type EtcSnapshot,
} from './run-host-state.js';
import { labSkipWithout, requireReport, runPlaybook, transcript, type HostReport, type TestLab } from './run-lab.js';

const portBase = 28860;

async function playbook(t: TestLab, name: string, max: number): Promise<string> {
  const out = path.join(t.tmp, `${name}.yaml`);
  await writeFile(out, `hosts: all\nsteps:\n  - raise_max: {value: ${max}}\n  - persist: {file: /etc/sysctl.conf}\n`);
  return out;
}

async function rollback(t: TestLab, args: string[]): Promise<{ cli: CliResult; hosts: HostReport[] | null }> {
  const report = path.join(t.tmp, `rollback-${Date.now()}.json`);
  const cli = await runCli([
    'rollback',
    ...args,
    '-i',
    t.lab.inventoryFile,
    '--limit',
    'lab1',
    '-o',
    'plain',
    '--report',
    report,
  ]);
  const hosts = await readFile(report, 'utf8').then(
    (text) => (JSON.parse(text) as { hosts: HostReport[] }).hosts,
    () => null,
  );
  return { cli, hosts };
}

const journalStates = (t: TestLab) =>
  execOk(
    t.lab,
    'lab1',
    'for f in /var/lib/conntrack-fleet/journal/*.json; do grep -o \'"state": "[a-z-]*"\' "$f"; done',
  );

describe('rollback of a run that newer runs overwrote', { skip: labSkipWithout() }, () => {
  const t = useTestLab('rollback-newer', 1, portBase);
  let etcBeforeA: EtcSnapshot;
  let knobsBeforeA: Record<string, string>;
  let runA = '';
  let runC = '';

  before(async () => {
    etcBeforeA = await snapshotEtc(t.lab, 'lab1');
    knobsBeforeA = await readKnobs(t.lab, 'lab1');
    const a = await runPlaybook(t, await playbook(t, 'a', 200000), ['--limit', 'lab1', '-o', 'plain']);
    assert.equal(a.cli.exitCode, 0, transcript(a.cli));
    runA = requireReport(a).run_id;
    const c = await runPlaybook(t, await playbook(t, 'c', 262144), ['--limit', 'lab1', '-o', 'plain']);
    assert.equal(c.cli.exitCode, 0, transcript(c.cli));
    runC = requireReport(c).run_id;
  });

  it('rollback --run A after C is refused on the host, naming C, exit 1, nothing changed', async () => {
    const etc = await snapshotEtc(t.lab, 'lab1');
    const undo = await rollback(t, ['--run', runA]);
    assert.equal(undo.cli.exitCode, 1, transcript(undo.cli));
    assert.equal(undo.hosts?.[0]?.outcome, 'failed', transcript(undo.cli));
    assert.match(
      undo.hosts?.[0]?.error ?? '',
      new RegExp(
        `^refused to roll back run ${runA}: newer run ${runC} changed nf_conntrack_max, /etc/sysctl\\.conf; roll back ${runC} first`,
      ),
    );
    assert.deepEqual(diffEtc(etc, await snapshotEtc(t.lab, 'lab1'), allFields), []);
    assert.equal((await readKnobs(t.lab, 'lab1'))['max'], '262144');
  });

  it('an unknown run id is bad input: exit 2, the runs that exist listed, nothing changed', async () => {
    const etc = await snapshotEtc(t.lab, 'lab1');
    const undo = await rollback(t, ['--run', '20260101T000000Z-nope']);
    assert.equal(undo.cli.exitCode, 2, transcript(undo.cli));
    assert.equal(
      undo.cli.stderr.trim(),
      `conntrack-fleet: no selected host has a journal for run 20260101T000000Z-nope; runs found: ${runA}, ${runC}`,
    );
    assert.equal(undo.cli.stdout, '', 'no report: not a "0 hosts: none (exit 0)" summary beside exit 2');
    assert.deepEqual(diffEtc(etc, await snapshotEtc(t.lab, 'lab1'), allFields), []);
  });

  it('--include-newer undoes C first, then A: the host exactly as before A', async () => {
    const undo = await rollback(t, ['--run', runA, '--include-newer']);
    assert.equal(undo.cli.exitCode, 0, transcript(undo.cli));
    assert.equal(undo.hosts?.[0]?.outcome, 'rolled-back', transcript(undo.cli));
    assert.deepEqual(undo.hosts?.[0]?.warnings, [`undid newer run(s) ${runC} first (--include-newer)`]);
    assert.deepEqual(diffEtc(etcBeforeA, await snapshotEtc(t.lab, 'lab1'), contentFields), []);
    assert.deepEqual(await readKnobs(t.lab, 'lab1'), knobsBeforeA);
    assert.deepEqual((await journalStates(t)).trim().split('\n'), ['"state": "rolled-back"', '"state": "rolled-back"']);
  });
});
