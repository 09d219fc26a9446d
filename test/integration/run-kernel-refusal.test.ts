/**
 * What the kernel refuses is predicted, and what still fails is said in human words.
 *   lab1 shows the REAL kernel's view of a container: the lab's stand-ins over nf_conntrack_max, _buckets and
 *        hashsize are unmounted, so the host sees max and buckets 0444 and hashsize 0600 (EOPNOTSUPP on write) —
 *        exactly what a non-initial netns sees. set_hashsize and raise_max refuse at plan time, with one explanation.
 *   lab2 nf_conntrack_udp_timeout is bind-mounted read-only over itself: set_timeouts' write fails with EROFS.
 *   lab3 /etc is remounted read-only: creating persist's temp file fails with EROFS.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import {
  diffEtc,
  contentFields,
  execOk,
  knobPaths,
  readKnobs,
  snapshotEtc,
  type EtcSnapshot,
} from './run-host-state.js';
import { useTestLab } from './lab-suite.js';
import { hostReport, labSkip, runPlaybook, stepReport, transcript, type RunOutcome, type TestLab } from './run-lab.js';

const portBase = 27500;
const udpTimeout = '/proc/sys/net/netfilter/nf_conntrack_udp_timeout';
const shellNoise = /\bsh: (?:line )?\d+: |printf: printf:/;
const namespaceReason = 'can only be changed from the initial network namespace (not in a container)';

async function writePlaybook(t: TestLab, name: string, steps: string): Promise<string> {
  const file = path.join(t.tmp, `${name}.yaml`);
  await writeFile(file, `name: ${name}\nhosts: all\nsteps:\n${steps}`);
  return file;
}

/** Removes the lab's stand-ins so the real kernel answers, as in any non-initial network namespace. */
async function showRealKernelKnobs(t: TestLab, host: string): Promise<void> {
  await execOk(
    t.lab,
    host,
    [knobPaths.max, knobPaths.buckets, knobPaths.hashsize].map((file) => `umount ${file}`).join(' && '),
  );
}

function requireReportOf(outcome: RunOutcome) {
  assert.ok(outcome.report, `no report\n${transcript(outcome.cli)}`);
  return outcome.report;
}

describe('kernel refusals: predicted at plan time, or said with file, errno and cause', { skip: labSkip }, () => {
  const t = useTestLab('kernel-refusal', 3, portBase, {
    beforeDown: async (t) => {
      await t.lab.exec('lab3', 'mount -o remount,bind,rw /etc').catch(() => undefined);
    },
  });
  let realView: string | false = false;
  let modes: string[] = [];

  before(async () => {
    await showRealKernelKnobs(t, 'lab1');
    modes = (await execOk(t.lab, 'lab1', `stat -L -c '%a' ${knobPaths.max} ${knobPaths.buckets} ${knobPaths.hashsize}`))
      .trim()
      .split('\n');
    // kernels before 5.13 left max writable in a privileged container: the case this test proves needs 0444
    if (modes.slice(0, 2).join(' ') !== '444 444')
      realView = `this kernel shows max and buckets as ${modes.slice(0, 2).join(', ')} in a new netns`;
  });

  describe('lab1: a container (real kernel knobs, non-initial netns)', () => {
    let knobsBefore: Record<string, string>;
    let hashsizeRun: RunOutcome;
    let maxRun: RunOutcome;

    before(async () => {
      knobsBefore = await readKnobs(t.lab, 'lab1');
      const buckets = Number(knobsBefore['buckets']);
      const hashsize = await writePlaybook(t, 'hashsize', `  - set_hashsize:\n      value: ${buckets + 512}\n`);
      hashsizeRun = await runPlaybook(t, hashsize, ['--limit', 'lab1', '-o', 'plain']);
      const max = await writePlaybook(t, 'max', `  - raise_max:\n      value: ${Number(knobsBefore['max']) + 1}\n`);
      maxRun = await runPlaybook(t, max, ['--limit', 'lab1', '-o', 'plain']);
    });

    it('the host shows what a container shows: max and buckets 0444, hashsize 0600 (so `test -w` passes)', (c) => {
      if (realView) return c.skip(realView);
      assert.deepEqual(modes, ['444', '444', '600']);
      return undefined;
    });

    it('set_hashsize fails at plan time with the namespace explanation; nothing was written', async (c) => {
      if (realView) return c.skip(realView);
      assert.equal(hashsizeRun.cli.exitCode, 1, transcript(hashsizeRun.cli));
      const host = hostReport(requireReportOf(hashsizeRun), 'lab1');
      assert.equal(host.outcome, 'failed', transcript(hashsizeRun.cli));
      assert.equal(host.error_kind, 'plan', 'refused before anything was written');
      assert.deepEqual(host.rollback_mismatches, []);
      const error = stepReport(host, 'set_hashsize').error ?? host.error ?? '';
      assert.match(
        error,
        /nf_conntrack_max and \/proc\/sys\/net\/netfilter\/nf_conntrack_buckets are read-only: the conntrack table size/,
      );
      assert.ok(error.includes(namespaceReason), error);
      assert.ok(error.includes(`writing ${knobPaths.hashsize} fails with "Operation not supported"`), error);
      assert.doesNotMatch(hashsizeRun.cli.stdout, /I\/O error|rolling back/);
      assert.deepEqual(await readKnobs(t.lab, 'lab1'), knobsBefore);
      return undefined;
    });

    it('raise_max gives the same explanation', (c) => {
      if (realView) return c.skip(realView);
      assert.equal(maxRun.cli.exitCode, 1, transcript(maxRun.cli));
      const host = hostReport(requireReportOf(maxRun), 'lab1');
      const error = stepReport(host, 'raise_max').error ?? host.error ?? '';
      assert.ok(error.includes(namespaceReason), error);
      const evidence = (text: string) => text.slice(text.indexOf('/proc'), text.indexOf(': '));
      const hashsizeError = stepReport(hostReport(requireReportOf(hashsizeRun), 'lab1'), 'set_hashsize').error ?? '';
      assert.equal(evidence(error), evidence(hashsizeError));
      return undefined;
    });
  });

  describe('lab2: a read-only timeout knob (EROFS at write time)', () => {
    let run: RunOutcome;
    let knobsBefore: Record<string, string>;

    before(async () => {
      await execOk(t.lab, 'lab2', `mount --bind ${udpTimeout} ${udpTimeout} && mount -o remount,bind,ro ${udpTimeout}`);
      knobsBefore = await readKnobs(t.lab, 'lab2');
      const next = (name: string) => Number(knobsBefore[name]) + 7;
      const playbook = await writePlaybook(
        t,
        'timeouts',
        `  - set_timeouts:\n      tcp_timeout_established: ${next('tcp_timeout_established')}\n      udp_timeout: ${next('udp_timeout')}\n`,
      );
      run = await runPlaybook(t, playbook, ['--limit', 'lab2', '-o', 'plain']);
    });

    it('exit 1; the error names the key, the file and EROFS with its likely cause, and no `sh: N:`', () => {
      assert.equal(run.cli.exitCode, 1, transcript(run.cli));
      const host = hostReport(requireReportOf(run), 'lab2');
      // the kernel (the read-only mount over the knob) said no: not a file write of ours, not a wrong read-back
      assert.deepEqual(
        [host.error_kind, stepReport(host, 'set_timeouts').error_kind],
        ['kernel-refused', 'kernel-refused'],
        transcript(run.cli),
      );
      const error = stepReport(host, 'set_timeouts').error ?? '';
      assert.match(
        error,
        /^nf_conntrack_udp_timeout \(\/proc\/sys\/net\/netfilter\/nf_conntrack_udp_timeout\): write failed: Read-only file system — likely cause: the file system is mounted read-only/,
      );
      assert.doesNotMatch(`${run.cli.stdout}\n${JSON.stringify(run.report)}`, shellNoise);
    });

    it('every timeout is as before (what was applied was rolled back)', async () => {
      assert.deepEqual(await readKnobs(t.lab, 'lab2'), knobsBefore);
    });
  });

  describe('lab3: /etc read-only (EROFS in persist)', () => {
    let run: RunOutcome;
    let etcBefore: EtcSnapshot;

    before(async () => {
      await execOk(t.lab, 'lab3', 'mount -o remount,bind,ro /etc');
      etcBefore = await snapshotEtc(t.lab, 'lab3');
      const knobs = await readKnobs(t.lab, 'lab3');
      const playbook = await writePlaybook(
        t,
        'persist',
        `  - set_timeouts:\n      udp_timeout: ${Number(knobs['udp_timeout']) + 3}\n  - persist:\n      file: /etc/sysctl.conf\n`,
      );
      run = await runPlaybook(t, playbook, ['--limit', 'lab3', '-o', 'plain']);
    });

    it('exit 1, rolled back; the error names /etc/sysctl.conf and EROFS with its likely cause, and no `sh: N:`', async () => {
      assert.equal(run.cli.exitCode, 1, transcript(run.cli));
      const host = hostReport(requireReportOf(run), 'lab3');
      assert.equal(host.outcome, 'rolled-back', transcript(run.cli));
      // EROFS on /etc is the file write path failing, not the kernel refusing a value
      assert.deepEqual([host.error_kind, stepReport(host, 'persist').error_kind], ['apply', 'apply']);
      const error = stepReport(host, 'persist').error ?? '';
      assert.ok(error.includes('/etc/sysctl.conf'), error);
      assert.match(error, /Read-only file system — likely cause: the file system is mounted read-only/);
      assert.doesNotMatch(`${run.cli.stdout}\n${JSON.stringify(run.report)}`, shellNoise);
      assert.deepEqual(diffEtc(etcBefore, await snapshotEtc(t.lab, 'lab3'), contentFields), []);
    });
  });
});
