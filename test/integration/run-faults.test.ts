/**
 * `run` with a fault on some hosts: each faulty host is rolled back to exactly its state before the run (every knob,
 * and sha256 + mode + owner of every path under /etc), the healthy host is changed, and the run exits 1.
 *   lab1 healthy · lab2 /etc/sysctl.conf immutable (persist's first rename fails, after max, hashsize and timeouts
 *   were applied)
 *   lab3 /etc/modules-load.d immutable (persist's files are staged together: its temp cannot be created, so the step
 *   stops before ANY of its files is replaced)
 *   lab4 buckets stops mirroring hashsize (the set_hashsize write "works" but reads back wrong)
 *   lab5 a wrapped `mv` refuses the rename into /etc/modules-load.d (fails after sysctl.conf and modprobe.d were
 *   ALREADY replaced in that step)
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { contentFields, diffEtc, execOk, readKnobs, snapshotEtc, writeKnob } from './run-host-state.js';
import { detachBuckets, setImmutable } from './run-inject.js';
import { useTestLab } from './lab-suite.js';
import {
  fixture,
  hostReport,
  labSkipWithout,
  linesOf,
  outcomesOf,
  requireReport,
  runPlaybook,
  stepReport,
  transcript,
  type HostReport,
  type RunReport,
  type TestLab,
} from './run-lab.js';
import {
  expectTuned,
  expectTuneReport,
  modprobeFile,
  readBefore,
  readTuneSpec,
  type HostBefore,
} from './run-tune-expect.js';

const portBase = 25200;
const playbook = fixture('tune-fast.yaml');
const spec = readTuneSpec(playbook);
const hosts = ['lab1', 'lab2', 'lab3', 'lab4', 'lab5'];
const immutable: [string, string][] = [
  ['lab2', '/etc/sysctl.conf'],
  ['lab3', '/etc/modules-load.d'],
];

interface Fault {
  host: string;
  failedStep: string;
  error: RegExp;
  /** The host's and the failed step's error_kind: a file write refused is `apply`, a wrong read-back `verify-mismatch`. */
  errorKind: string;
  /** Steps that had been applied before the failure (rolled-back in the report). */
  undone: string[];
}

const faults: Fault[] = [
  {
    host: 'lab2',
    failedStep: 'persist',
    error:
      /^persist: mv: cannot move '\/etc\/\.conntrack-fleet\.[0-9a-f]{16}\.\d+' to '\/etc\/sysctl\.conf': Operation not permitted — likely cause: .*chattr \+i/,
    errorKind: 'apply',
    undone: ['raise_max', 'set_hashsize', 'set_timeouts', 'persist'],
  },
  {
    host: 'lab3',
    failedStep: 'persist',
    error:
      /^persist: \/etc\/modules-load\.d\/\S+: cannot create \/etc\/modules-load\.d\/\.conntrack-fleet\.[0-9a-f]{16}\.\d+: Operation not permitted — likely cause: .*chattr \+i/,
    errorKind: 'apply',
    undone: ['raise_max', 'set_hashsize', 'set_timeouts', 'persist'],
  },
  {
    host: 'lab5',
    failedStep: 'persist',
    error:
      /^persist: mv: cannot move '\/etc\/modules-load\.d\/\.conntrack-fleet\.[0-9a-f]{16}\.\d+' to '\/etc\/modules-load\.d\/conntrack-fleet\.conf': Input\/output error/,
    errorKind: 'apply',
    undone: ['raise_max', 'set_hashsize', 'set_timeouts', 'persist'],
  },
  {
    host: 'lab4',
    failedStep: 'set_hashsize',
    error: /^set_hashsize: nf_conntrack_buckets read back 16384, expected 65536/,
    errorKind: 'verify-mismatch',
    undone: ['raise_max', 'set_hashsize'],
  },
];

async function expectRestored(t: TestLab, host: string, was: HostBefore): Promise<void> {
  assert.deepEqual(await readKnobs(t.lab, host), was.knobs, `${host}: every knob as before the run`);
  const etc = await snapshotEtc(t.lab, host);
  assert.deepEqual(
    diffEtc(was.etc, etc, contentFields),
    [],
    `${host}: /etc byte-identical (sha256, mode, owner; no file left or lost)`,
  );
}

/** A `mv` first on lab HOST's PATH that fails, as mv words an EIO, for a rename whose target starts with PREFIX. */
async function failRenameInto(t: TestLab, host: string, prefix: string): Promise<void> {
  const wrapper = [
    '#!/bin/sh',
    `case "$3" in ${prefix}*) printf "mv: cannot move '%s' to '%s': Input/output error\\n" "$2" "$3" >&2; exit 1 ;; esac`,
    'exec /bin/mv "$@"',
    '',
  ].join('\n');
  await execOk(t.lab, host, `cat > /usr/local/sbin/mv <<'CTF_EOF'\n${wrapper}CTF_EOF\nchmod 755 /usr/local/sbin/mv`);
}

function expectRolledBackReport(result: HostReport, fault: Fault): void {
  assert.equal(result.outcome, 'rolled-back', `${fault.host}: ${result.error ?? ''}`);
  assert.match(result.error ?? '', fault.error);
  assert.deepEqual(result.rollback_mismatches, []);
  assert.match(stepReport(result, fault.failedStep).error ?? '', /./, 'the failed step keeps its error');
  assert.deepEqual(
    [result.error_kind, stepReport(result, fault.failedStep).error_kind],
    [fault.errorKind, fault.errorKind],
    `${fault.host}: error_kind of the host and of its failed step`,
  );
  const undone = result.steps.filter((s) => s.outcome === 'rolled-back').map((s) => s.step);
  assert.deepEqual(undone, fault.undone, `${fault.host}: steps applied, then rolled back`);
}

describe(
  'run with faults on 4 of 5 lab hosts: exact rollback there, the healthy host changed',
  { skip: labSkipWithout('chattr') },
  () => {
    const t = useTestLab('run-faults', hosts.length, portBase, {
      beforeDown: async (t) => {
        for (const [host, file] of immutable) await t.lab.exec(host, `chattr -i ${file}`).catch(() => undefined);
      },
    });
    const initial = new Map<string, HostBefore>();
    let report: RunReport;
    let stdout = '';

    before(async () => {
      // a table size to change, so set_hashsize is applied too before persist fails
      for (const host of ['lab2', 'lab3', 'lab5']) await writeKnob(t.lab, host, 'hashsize', 16384);
      await failRenameInto(t, 'lab5', '/etc/modules-load.d/');
      await detachBuckets(t.lab, 'lab4', 16384);
      for (const [host, file] of immutable) await setImmutable(t.lab, host, file, true);
      for (const host of hosts) initial.set(host, await readBefore(t.lab, host, spec));
      const outcome = await runPlaybook(t, playbook);
      assert.equal(outcome.cli.exitCode, 1, transcript(outcome.cli));
      report = requireReport(outcome);
      stdout = outcome.cli.stdout;
    });

    it('exit 1; lab1 changed, the four faulty hosts rolled back', () => {
      assert.equal(report.exit_code, 1);
      assert.deepEqual(outcomesOf(report), {
        lab1: 'changed',
        lab2: 'rolled-back',
        lab3: 'rolled-back',
        lab4: 'rolled-back',
        lab5: 'rolled-back',
      });
      assert.deepEqual([report.summary['changed'], report.summary['rolled-back']], [1, 4]);
    });

    it('lab1 is tuned as specified', async () => {
      await expectTuned(t.lab, 'lab1', initial.get('lab1')!, spec);
      expectTuneReport(hostReport(report, 'lab1'), initial.get('lab1')!, spec);
    });

    for (const fault of faults) {
      it(`${fault.host}: ${fault.failedStep} fails → rolled back, knobs and /etc exactly as before`, async () => {
        expectRolledBackReport(hostReport(report, fault.host), fault);
        await expectRestored(t, fault.host, initial.get(fault.host)!);
      });
    }

    it('lab2: the knobs WERE changed before persist failed; the plain lines show apply → fail → verified rollback', () => {
      const lines = linesOf(stdout, 'lab2');
      const at = (pattern: RegExp): number => lines.findIndex((line) => pattern.test(line));
      const order = [
        /raise_max: .*→ 262144 ok$/,
        /set_hashsize: .*16384 → 65536 ok$/,
        /set_timeouts: .* ok$/,
        /persist: .*FAILED/,
        /rolling back: persist/,
        /rolled back, verified exact/,
        /^lab2: rolled-back: persist/,
      ];
      const positions = order.map(at);
      assert.ok(
        positions.every((p, i) => p >= 0 && (i === 0 || p > (positions[i - 1] ?? -1))),
        `lab2 lines out of order:\n${lines.join('\n')}`,
      );
    });

    it('lab3: no file of the step was replaced (same sysctl.conf mtime), no modprobe.d file, no temp left', async () => {
      const etc = await snapshotEtc(t.lab, 'lab3');
      const was = initial.get('lab3')!.etc;
      assert.equal(etc.get('/etc/sysctl.conf')?.mtime, was.get('/etc/sysctl.conf')?.mtime);
      assert.equal(etc.has(modprobeFile), false);
      assert.deepEqual(
        [...etc.keys()].filter((path) => path.includes('.conntrack-fleet.')),
        [],
      );
    });

    it('lab5: sysctl.conf had really been replaced, and was put back (new mtime, same bytes); modprobe.d file gone', async () => {
      const etc = await snapshotEtc(t.lab, 'lab5');
      const was = initial.get('lab5')!.etc;
      // (not the inode: ext4 may hand the freed original inode number to the restoring temp file)
      assert.notEqual(
        etc.get('/etc/sysctl.conf')?.mtime,
        was.get('/etc/sysctl.conf')?.mtime,
        'written, then written back',
      );
      assert.equal(etc.get('/etc/sysctl.conf')?.sha256, was.get('/etc/sysctl.conf')?.sha256);
      assert.equal(etc.has(modprobeFile), false);
    });

    it('unknown timeout name: a host failure (exit 1, not 2), found at plan time, nothing changed', async () => {
      const was = await readBefore(t.lab, 'lab1', spec);
      const { cli, report: parsed } = await runPlaybook(t, fixture('unknown-timeout.yaml'), ['--limit', 'lab1']);
      assert.equal(cli.exitCode, 1, transcript(cli));
      assert.doesNotMatch(cli.stderr, /\.yaml:\d+:\d+/, 'not reported as bad input');
      const result = hostReport(requireReport({ cli, report: parsed }), 'lab1');
      assert.equal(result.outcome, 'failed');
      assert.match(
        result.error ?? '',
        /unknown timeout dccp_timeout_request; this kernel has: .*tcp_timeout_established/,
      );
      assert.equal(stepReport(result, 'set_timeouts').outcome, 'failed');
      assert.deepEqual(await readKnobs(t.lab, 'lab1'), was.knobs);
      assert.deepEqual(diffEtc(was.etc, await snapshotEtc(t.lab, 'lab1'), contentFields), []);
    });
  },
);
