/**
 * `rollback` of a run on hosts changed since the run (drift), on lab hosts. One run on every host (max 200000,
 * tcp_timeout_established 86400, persisted in /etc/sysctl.d/90-conntrack-fleet.conf), then on:
 *   lab1  the persisted file edited             → refused: failed, kind drift, exit 1, nothing written
 *   lab2  the file replaced by a symlink         → refused, the message says it is now a symlink
 *   lab3  the timeout set again by hand          → refused, nothing written
 *   lab1  rollback --force                       → restored as before the run, the warning says drift overwritten
 *   lab2  rollback --force                       → the link the user made is removed with the file, its target kept
 *   lab4  nothing changed since                  → rolled back as before: exact, no warning
 *   lab5  max set by hand, then run C raised it  → rollback --include-newer refused: C found the hand value
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { useTestLab } from './lab-suite.js';
import {
  allFields,
  contentFields,
  diffEtc,
  execOk,
  readKnobs,
  snapshotEtc,
  type EtcSnapshot,
} from './run-host-state.js';
import {
  hostReport,
  labSkipWithout,
  requireReport,
  runPlaybook,
  runReporting,
  transcript,
  type HostReport,
  type RunOutcome,
  type TestLab,
} from './run-lab.js';

const portBase = 46100;
const hosts = ['lab1', 'lab2', 'lab3', 'lab4', 'lab5'];
const conf = '/etc/sysctl.d/90-conntrack-fleet.conf';

/** The report's drift block (report/run-report.ts DriftReport). */
interface DriftJson {
  overwritten: boolean;
  findings: { kind: string; target: string; run_id: string; run_left: string; now: string; message: string }[];
  unknown: string[];
}
type RollbackHost = HostReport & { drift?: DriftJson };

function rollback(t: TestLab, host: string, runId: string, extra: string[] = []): Promise<RunOutcome> {
  return runReporting(t, ['rollback', '--run', runId, '-i', t.lab.inventoryFile, '-l', host, '-o', 'plain', ...extra]);
}

function onlyHost(outcome: RunOutcome, host: string): RollbackHost {
  return hostReport(requireReport(outcome), host) as RollbackHost;
}

/** `a regular file (N bytes, sha256 HEX…, mode 0644, owner 0:0)`, the way drift messages name a file. */
const regularFile = String.raw`a regular file \(\d+ bytes, sha256 [0-9a-f]{12}…, mode 0644, owner 0:0\)`;

describe('rollback refuses a host changed since the run (drift)', { skip: labSkipWithout() }, () => {
  const t = useTestLab('rollback-drift', hosts.length, portBase);
  const etcBefore = new Map<string, EtcSnapshot>();
  const knobsBefore = new Map<string, Record<string, string>>();
  let runId = '';

  before(async () => {
    for (const host of hosts) {
      etcBefore.set(host, await snapshotEtc(t.lab, host));
      knobsBefore.set(host, await readKnobs(t.lab, host));
    }
    const playbook = path.join(t.tmp, 'tune.yaml');
    await writeFile(
      playbook,
      'hosts: all\nsteps:\n  - raise_max: {value: 200000}\n  - set_timeouts: {tcp_timeout_established: 86400}\n  - persist: {sysctl_d: true}\n',
    );
    const run = await runPlaybook(t, playbook, ['-o', 'plain']);
    assert.equal(run.cli.exitCode, 0, transcript(run.cli));
    runId = requireReport(run).run_id;
    assert.match(await execOk(t.lab, 'lab1', `cat ${conf}`), /nf_conntrack_max = 200000/);
  });

  /** Refused on HOST: exit 1 (README "Exit codes"), failed, kind drift, and not one byte or value written. */
  async function assertRefused(host: string, message: RegExp): Promise<RollbackHost> {
    const etc = await snapshotEtc(t.lab, host);
    const knobs = await readKnobs(t.lab, host);
    const undo = await rollback(t, host, runId);
    assert.equal(undo.cli.exitCode, 1, transcript(undo.cli));
    const result = onlyHost(undo, host);
    assert.deepEqual([result.outcome, result.error_kind], ['failed', 'drift'], transcript(undo.cli));
    assert.match(result.error ?? '', new RegExp(`^refused to roll back run ${runId}: changed since the run: `));
    assert.match(result.error ?? '', message);
    assert.match(result.error ?? '', /; nothing restored \(rollback --force overwrites it\)$/);
    assert.match(undo.cli.stdout, new RegExp(`^${host}: .*refused to roll back run`, 'm'), transcript(undo.cli));
    assert.deepEqual(diffEtc(etc, await snapshotEtc(t.lab, host), allFields), [], 'nothing written under /etc');
    assert.deepEqual(await readKnobs(t.lab, host), knobs, 'no knob written');
    assert.equal(result.drift?.overwritten, false);
    return result;
  }

  it('the persisted file edited after the run: refused, exit 1, the file untouched, the drift in the JSON', async () => {
    await execOk(t.lab, 'lab1', `echo 'net.netfilter.nf_conntrack_max = 300000' >> ${conf}`);
    const result = await assertRefused(
      'lab1',
      new RegExp(
        `${conf}: was ${regularFile} written by run ${runId}, is now ${regularFile}; nothing restored`.replaceAll(
          '/',
          '\\/',
        ),
      ),
    );
    assert.deepEqual(
      result.drift?.findings.map((f) => [f.kind, f.target, f.run_id]),
      [['file', conf, runId]],
    );
    assert.deepEqual(result.drift?.unknown, []);
    assert.match(await execOk(t.lab, 'lab1', `cat ${conf}`), /= 300000\n$/, 'the edit is kept');
  });

  it('the file replaced by a symlink: refused, the message says what it is now', async () => {
    await execOk(t.lab, 'lab2', `cp ${conf} /etc/elsewhere.conf && ln -sf /etc/elsewhere.conf ${conf}`);
    await assertRefused(
      'lab2',
      new RegExp(
        `${conf}: was ${regularFile} written by run ${runId}, is now a symlink to /etc/elsewhere.conf \\(/etc/elsewhere.conf: `,
      ),
    );
    assert.equal((await execOk(t.lab, 'lab2', `readlink ${conf}`)).trim(), '/etc/elsewhere.conf');
  });

  it('a knob set again by hand: refused, the value named', async () => {
    await execOk(t.lab, 'lab3', 'echo 7200 > /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established');
    const result = await assertRefused('lab3', /tcp_timeout_established: was 86400 set by run .*, is now 7200/);
    assert.deepEqual(
      result.drift?.findings.map((f) => [f.kind, f.run_left, f.now]),
      [['knob', '86400', '7200']],
    );
  });

  it('--force restores the host as before the run and says it overwrote the drift', async () => {
    const undo = await rollback(t, 'lab1', runId, ['--force']);
    assert.equal(undo.cli.exitCode, 0, transcript(undo.cli));
    const result = onlyHost(undo, 'lab1');
    assert.equal(result.outcome, 'rolled-back', transcript(undo.cli));
    assert.equal(result.warnings.length, 1, transcript(undo.cli));
    assert.match(result.warnings[0] ?? '', new RegExp(`^overwrote drift \\(--force\\): ${conf}: was `));
    assert.match(undo.cli.stdout, /overwrote drift \(--force\)/, 'the text output says it too');
    assert.equal(result.drift?.overwritten, true);
    assert.deepEqual(
      diffEtc(etcBefore.get('lab1') as EtcSnapshot, await snapshotEtc(t.lab, 'lab1'), contentFields),
      [],
    );
    assert.deepEqual(await readKnobs(t.lab, 'lab1'), knobsBefore.get('lab1'));
  });

  it('--force over a symlink: the file the run made is removed (the link with it), the link target is kept', async () => {
    const undo = await rollback(t, 'lab2', runId, ['--force']);
    assert.equal(undo.cli.exitCode, 0, transcript(undo.cli));
    const result = onlyHost(undo, 'lab2');
    assert.deepEqual([result.outcome, result.rollback_mismatches], ['rolled-back', []], transcript(undo.cli));
    assert.match(
      result.warnings.join('\n'),
      /overwrote drift \(--force\): .* is now a symlink to \/etc\/elsewhere\.conf/,
    );
    const etc = diffEtc(etcBefore.get('lab2') as EtcSnapshot, await snapshotEtc(t.lab, 'lab2'), contentFields);
    assert.deepEqual(etc, ['/etc/elsewhere.conf: created'], 'only the file the user made is left');
    assert.deepEqual(await readKnobs(t.lab, 'lab2'), knobsBefore.get('lab2'));
  });

  it('no drift: rolled back as before, exact, no warning', async () => {
    const undo = await rollback(t, 'lab4', runId);
    assert.equal(undo.cli.exitCode, 0, transcript(undo.cli));
    const result = onlyHost(undo, 'lab4');
    assert.deepEqual([result.outcome, result.warnings, result.rollback_mismatches], ['rolled-back', [], []]);
    assert.deepEqual(result.drift, { overwritten: false, findings: [], unknown: [] });
    assert.match(undo.cli.stdout, /^lab4: rolled back, verified exact$/m, transcript(undo.cli));
    assert.deepEqual(
      diffEtc(etcBefore.get('lab4') as EtcSnapshot, await snapshotEtc(t.lab, 'lab4'), contentFields),
      [],
    );
    assert.deepEqual(await readKnobs(t.lab, 'lab4'), knobsBefore.get('lab4'));
  });

  it('--include-newer: a value changed by hand between the run and a newer run is drift too, named with the newer run', async () => {
    await execOk(t.lab, 'lab5', 'echo 150000 > /proc/sys/net/netfilter/nf_conntrack_max');
    const newer = path.join(t.tmp, 'newer.yaml');
    await writeFile(newer, 'hosts: all\nsteps:\n  - raise_max: {value: 262144}\n');
    const c = await runPlaybook(t, newer, ['-l', 'lab5', '-o', 'plain']);
    assert.equal(c.cli.exitCode, 0, transcript(c.cli));
    const runC = requireReport(c).run_id;
    const etc = await snapshotEtc(t.lab, 'lab5');
    const undo = await rollback(t, 'lab5', runId, ['--include-newer']);
    assert.equal(undo.cli.exitCode, 1, transcript(undo.cli));
    const result = onlyHost(undo, 'lab5');
    assert.deepEqual([result.outcome, result.error_kind], ['failed', 'drift'], transcript(undo.cli));
    assert.match(
      result.error ?? '',
      new RegExp(
        `nf_conntrack_max: was 200000 set by run ${runId}, run ${runC} found 150000 \\(changed between the two runs\\)`,
      ),
    );
    assert.deepEqual(diffEtc(etc, await snapshotEtc(t.lab, 'lab5'), allFields), [], 'nothing written under /etc');
    assert.equal((await readKnobs(t.lab, 'lab5'))['max'], '262144', 'run C not undone either');
  });
});
