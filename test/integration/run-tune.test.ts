/**
 * `run` of the tune procedure on 3 lab hosts that start out differently: --check and --check --diff change nothing,
 * the run changes every host as the playbook says, and a second run finds nothing to do and writes no file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { allFields, diffEtc, execOk, readHostFile, readKnobs, snapshotEtc, writeKnob } from './run-host-state.js';
import { useTestLab } from './lab-suite.js';
import {
  fixture,
  hostReport,
  labSkip,
  linesOf,
  requireReport,
  runPlaybook,
  shippedPlaybook,
  stepReport,
  transcript,
  type TestLab,
} from './run-lab.js';
import {
  expectTuned,
  expectTuneReport,
  readBefore,
  readTuneSpec,
  stepsOf,
  type HostBefore,
} from './run-tune-expect.js';

const portBase = 25000;
const playbook = fixture('tune-fast.yaml');
const spec = readTuneSpec(playbook);
const hosts = ['lab1', 'lab2', 'lab3'];
const journalListing = 'find /var/lib/conntrack-fleet -printf "%p %i %T@\\n" | sort';

/** lab1 as booted; lab2 with a small table; lab3 half tuned by hand (bigger table, time_wait already 90). */
async function seedHosts(t: TestLab): Promise<void> {
  await writeKnob(t.lab, 'lab2', 'hashsize', 16384);
  await writeKnob(t.lab, 'lab3', 'max', 100000);
  await writeKnob(t.lab, 'lab3', 'hashsize', 131072);
  await writeKnob(t.lab, 'lab3', 'tcp_timeout_time_wait', 90);
}

async function readAll(t: TestLab): Promise<Map<string, HostBefore>> {
  return new Map(await Promise.all(hosts.map(async (h) => [h, await readBefore(t.lab, h, spec)] as const)));
}

async function expectUntouched(t: TestLab, state: Map<string, HostBefore>): Promise<void> {
  for (const host of hosts) {
    const was = state.get(host)!;
    assert.deepEqual(diffEtc(was.etc, await snapshotEtc(t.lab, host), allFields), [], `${host}: /etc must not change`);
    assert.deepEqual(await readKnobs(t.lab, host), was.knobs, `${host}: knobs must not change`);
  }
}

describe('run tune: check, apply, re-run on 3 lab hosts', { skip: labSkip }, () => {
  const t = useTestLab('run-tune', hosts.length, portBase);
  let initial: Map<string, HostBefore>;
  let checkDiff = '';

  before(async () => {
    await seedHosts(t);
    initial = await readAll(t);
  });

  it('the fixture has exactly the shipped playbooks/tune.yaml steps', () => {
    assert.deepEqual(stepsOf(playbook), stepsOf(shippedPlaybook('tune.yaml')));
  });

  it("--check prints each host's plan and changes nothing (whole /etc + knobs)", async () => {
    const { cli, report } = await runPlaybook(t, playbook, ['--check']);
    assert.equal(cli.exitCode, 0, transcript(cli));
    for (const host of hosts) {
      const knobs = initial.get(host)!.knobs;
      const lines = linesOf(cli.stdout, host).join('\n');
      assert.match(
        lines,
        new RegExp(`raise_max: nf_conntrack_max ${knobs['max']} → ${spec.max} planned`),
        `${host} plan:\n${lines}`,
      );
      assert.match(lines, /set_timeouts: .*nf_conntrack_tcp_timeout_established 432000 → 86400.* planned/);
      assert.match(lines, /persist: \/etc\/sysctl\.conf: .* planned/);
      assert.equal(stepReport(hostReport(requireReport({ cli, report }), host), 'raise_max').outcome, 'planned');
    }
    assert.doesNotMatch(cli.stdout, /^\+\+\+ /m, 'no diff without --diff');
    await expectUntouched(t, initial);
  });

  it('--check --diff prints a unified diff per file and changes nothing', async () => {
    const { cli } = await runPlaybook(t, playbook, ['--check', '--diff']);
    assert.equal(cli.exitCode, 0, transcript(cli));
    for (const host of hosts) {
      for (const file of [
        '/etc/sysctl.conf',
        '/etc/modprobe.d/conntrack-fleet.conf',
        '/etc/modules-load.d/conntrack-fleet.conf',
      ]) {
        assert.ok(cli.stdout.includes(`--- ${host}: persist: ${file}\n`), `${host}: no diff header for ${file}`);
      }
    }
    assert.match(cli.stdout, /^--- \/etc\/sysctl\.conf\n\+\+\+ \/etc\/sysctl\.conf\n@@ -\d+,\d+ \+\d+,\d+ @@$/m);
    assert.match(cli.stdout, /^-net\.netfilter\.nf_conntrack_max = 65536\n/m);
    assert.match(cli.stdout, /^\+# conntrack-fleet disabled: net\.netfilter\.nf_conntrack_max = 65536$/m);
    assert.match(
      cli.stdout,
      /^--- \/dev\/null\n\+\+\+ \/etc\/modprobe\.d\/conntrack-fleet\.conf\n@@ -0,0 \+1,\d+ @@$/m,
    );
    const lab1 = cli.stdout.split('--- lab1: persist: /etc/sysctl.conf\n')[1] ?? '';
    checkDiff = lab1.split(/^--- lab\d: /m)[0] ?? '';
    await expectUntouched(t, initial);
  });

  it('the run changes every host as specified (knobs, sysctl.conf block, modprobe.d, modules-load.d, report)', async () => {
    const { cli, report } = await runPlaybook(t, playbook);
    assert.equal(cli.exitCode, 0, transcript(cli));
    const parsed = requireReport({ cli, report });
    assert.equal(parsed.exit_code, 0);
    for (const host of hosts) {
      await expectTuned(t.lab, host, initial.get(host)!, spec);
      expectTuneReport(hostReport(parsed, host), initial.get(host)!, spec);
    }
    assert.ok(
      hostReport(parsed, 'lab3').warnings.some((w) => /shrinks the hash table from 131072 to 65536/.test(w)),
      'lab3 shrink warning',
    );
  });

  it(
    'the diff --check printed is exactly the change the run made',
    { skip: existsSync('/usr/bin/patch') ? false : 'no patch(1)' },
    async () => {
      assert.ok(checkDiff.includes('@@'), 'the --check --diff test must run first');
      const original = path.join(t.tmp, 'sysctl.conf.orig');
      await writeFile(original, initial.get('lab1')!.sysctlText);
      await writeFile(path.join(t.tmp, 'check.diff'), checkDiff);
      const patched = path.join(t.tmp, 'sysctl.conf.patched');
      await promisify(execFile)('patch', ['-s', '-o', patched, original, path.join(t.tmp, 'check.diff')]);
      assert.equal(await readFile(patched, 'utf8'), await readHostFile(t.lab, 'lab1', '/etc/sysctl.conf'));
    },
  );

  it('a second run reports every host unchanged and writes no file (inode, mtime, sha256 of all of /etc)', async () => {
    const tuned = await readAll(t);
    const journals = await Promise.all(hosts.map((h) => execOk(t.lab, h, journalListing)));
    const { cli, report } = await runPlaybook(t, playbook);
    assert.equal(cli.exitCode, 0, transcript(cli));
    const parsed = requireReport({ cli, report });
    for (const host of hosts) {
      const result = hostReport(parsed, host);
      assert.equal(result.outcome, 'unchanged', `${host}: ${result.error ?? ''}`);
      assert.deepEqual(
        result.steps.map((s) => s.outcome),
        result.steps.map(() => 'unchanged'),
      );
    }
    assert.equal(parsed.summary['unchanged'], hosts.length);
    await expectUntouched(t, tuned);
    assert.deepEqual(
      await Promise.all(hosts.map((h) => execOk(t.lab, h, journalListing))),
      journals,
      'no journal written either',
    );
  });
});
