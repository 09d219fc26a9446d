/**
 * persist on lab hosts set up like real fleets (extra sysctl.d / modprobe.d files, Debian 12's 99-sysctl.conf link or
 * its absence): the keys of earlier runs stay, what would win at boot is commented out (and restored by rollback) or
 * refused, and the real systemd-sysctl and kmod confirm which value the next boot gets.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { useTestLab } from './lab-suite.js';
import { runCli } from './run-cli.js';
import { contentFields, diffEtc, execOk, readHostFile, snapshotEtc } from './run-host-state.js';
import { bootHashsize, bootSysctlValue } from './run-persist-boot.js';
import { hostReport, labSkip, requireReport, runPlaybook, stepReport, transcript, type TestLab } from './run-lab.js';

const portBase = 27730;
const realTools = ['/usr/lib/systemd/systemd-sysctl', '/sbin/modprobe'];
const missingTools = realTools.filter((tool) => !existsSync(tool));
/** The checks ask the real systemd-sysctl and kmod (apt-get install systemd kmod). */
const skip =
  labSkip || (missingTools.length > 0 ? `missing ${missingTools.join(', ')} (apt-get install systemd kmod)` : false);
const max = 'net.netfilter.nf_conntrack_max';
const disabled = '# conntrack-fleet disabled: ';

async function playbook(t: TestLab, name: string, steps: string[]): Promise<string> {
  const file = path.join(t.tmp, `${name}.yaml`);
  await writeFile(file, ['hosts: all', 'steps:', ...steps.map((s) => `  - ${s}`), ''].join('\n'));
  return file;
}

describe('run persist: cumulative, and true at the next boot', { skip }, () => {
  const t = useTestLab('run-persist', 5, portBase);

  it('lab1: a later playbook that persists only a UDP timeout keeps nf_conntrack_max (block and boot)', async () => {
    const first = await playbook(t, 'max', ['raise_max: {value: 262144}', 'persist: {file: /etc/sysctl.conf}']);
    const second = await playbook(t, 'udp', ['set_timeouts: {udp_timeout: 60}', 'persist: {file: /etc/sysctl.conf}']);
    const one = await runPlaybook(t, first, ['-l', 'lab1', '-o', 'plain']);
    assert.equal(one.cli.exitCode, 0, transcript(one.cli));
    const two = await runPlaybook(t, second, ['-l', 'lab1', '-o', 'plain']);
    assert.equal(two.cli.exitCode, 0, transcript(two.cli));
    const conf = await readHostFile(t.lab, 'lab1', '/etc/sysctl.conf');
    assert.match(conf, /^net\.netfilter\.nf_conntrack_max = 262144$/m, conf);
    assert.match(conf, /^net\.netfilter\.nf_conntrack_udp_timeout = 60$/m);
    assert.ok(
      conf.includes(`${disabled}net.netfilter.nf_conntrack_max = 65536\n`),
      'the seeded line stays commented out',
    );
    assert.equal(await bootSysctlValue(t.lab, 'lab1', max), '262144');
    assert.equal(await bootSysctlValue(t.lab, 'lab1', 'net.netfilter.nf_conntrack_udp_timeout'), '60');
  });

  it('lab1: moving to sysctl_d carries the keys of the /etc/sysctl.conf block, whose block goes (it is read later)', async () => {
    const file = await playbook(t, 'move', ['set_timeouts: {udp_timeout: 45}', 'persist: {sysctl_d: true}']);
    const run = await runPlaybook(t, file, ['-l', 'lab1', '-o', 'plain']);
    assert.equal(run.cli.exitCode, 0, transcript(run.cli));
    const dropIn = await readHostFile(t.lab, 'lab1', '/etc/sysctl.d/90-conntrack-fleet.conf');
    assert.match(dropIn, /^net\.netfilter\.nf_conntrack_max = 262144$/m, dropIn);
    assert.match(dropIn, /^net\.netfilter\.nf_conntrack_udp_timeout = 45$/m);
    const conf = await readHostFile(t.lab, 'lab1', '/etc/sysctl.conf');
    assert.doesNotMatch(conf, /BEGIN conntrack-fleet/);
    assert.equal(await bootSysctlValue(t.lab, 'lab1', max), '262144');
    assert.equal(await bootSysctlValue(t.lab, 'lab1', 'net.netfilter.nf_conntrack_udp_timeout'), '45');
    const again = await runPlaybook(t, file, ['-l', 'lab1', '-o', 'plain']);
    assert.equal(
      stepReport(hostReport(requireReport(again), 'lab1'), 'persist').outcome,
      'unchanged',
      transcript(again.cli),
    );
  });

  it('lab2: sysctl_d with a winning /etc/sysctl.conf line comments it out; rollback puts it back byte for byte', async () => {
    const etcBefore = await snapshotEtc(t.lab, 'lab2');
    assert.equal(await bootSysctlValue(t.lab, 'lab2', max), '65536', 'the seeded sysctl.conf line wins before the run');
    const file = await playbook(t, 'dropin', ['raise_max: {value: 262144}', 'persist: {sysctl_d: true}']);
    const run = await runPlaybook(t, file, ['-l', 'lab2', '-o', 'plain']);
    assert.equal(run.cli.exitCode, 0, transcript(run.cli));
    assert.match(
      run.cli.stdout,
      /\/etc\/sysctl\.conf:\d+ \(read as \/etc\/sysctl\.d\/99-sysctl\.conf\) sets net\.netfilter\.nf_conntrack_max = 65536 .* wins over 262144: commented out/,
    );
    assert.ok(
      (await readHostFile(t.lab, 'lab2', '/etc/sysctl.conf')).includes(
        `${disabled}net.netfilter.nf_conntrack_max = 65536`,
      ),
    );
    assert.equal(await bootSysctlValue(t.lab, 'lab2', max), '262144', 'systemd-sysctl now applies the drop-in value');
    const undo = await runCli(['rollback', '--last', '-i', t.lab.inventoryFile, '-l', 'lab2', '-o', 'plain']);
    assert.equal(undo.exitCode, 0, transcript(undo));
    assert.deepEqual(
      diffEtc(etcBefore, await snapshotEtc(t.lab, 'lab2'), contentFields),
      [],
      '/etc is back byte for byte',
    );
    assert.equal(await bootSysctlValue(t.lab, 'lab2', max), '65536');
  });

  it('lab2: the same key twice in /etc/sysctl.conf: the line systemd-sysctl applies last is the one named; a last line with our value is left alone', async () => {
    const file = await playbook(t, 'twice', ['raise_max: {value: 262144}', 'persist: {sysctl_d: true}']);
    await execOk(t.lab, 'lab2', `printf '%s\\n' '${max} = 131072' >> /etc/sysctl.conf`);
    const seeded = await readHostFile(t.lab, 'lab2', '/etc/sysctl.conf');
    const lastLine = seeded.trimEnd().split('\n').length;
    assert.equal(
      await bootSysctlValue(t.lab, 'lab2', max),
      '131072',
      `line ${lastLine} wins at boot, by systemd-sysctl itself`,
    );
    const run = await runPlaybook(t, file, ['-l', 'lab2', '-o', 'plain']);
    assert.equal(run.cli.exitCode, 0, transcript(run.cli));
    const winner = new RegExp(
      `/etc/sysctl\\.conf:${lastLine} \\(read as /etc/sysctl\\.d/99-sysctl\\.conf\\) sets ${max} = 131072 and is read after \\S+ at boot, so it wins over 262144: commented out`,
    );
    assert.match(run.cli.stdout, winner, transcript(run.cli));
    assert.match(
      run.cli.stdout,
      new RegExp(`sets ${max} = 65536 .*; /etc/sysctl\\.conf:${lastLine} .*sets it later`),
      'the earlier line goes too, or it would win',
    );
    assert.equal(await bootSysctlValue(t.lab, 'lab2', max), '262144');
    const undo = await runCli(['rollback', '--last', '-i', t.lab.inventoryFile, '-l', 'lab2', '-o', 'plain']);
    assert.equal(undo.exitCode, 0, transcript(undo));
    assert.equal(await readHostFile(t.lab, 'lab2', '/etc/sysctl.conf'), seeded);

    await execOk(t.lab, 'lab2', `printf '%s\\n' '${max} = 262144' >> /etc/sysctl.conf`);
    const agreeing = await readHostFile(t.lab, 'lab2', '/etc/sysctl.conf');
    assert.equal(await bootSysctlValue(t.lab, 'lab2', max), '262144', 'the last line already sets our value');
    const again = await runPlaybook(t, file, ['-l', 'lab2', '-o', 'plain']);
    assert.equal(again.cli.exitCode, 0, transcript(again.cli));
    assert.doesNotMatch(again.cli.stdout, /commented out/, transcript(again.cli));
    assert.equal(await readHostFile(t.lab, 'lab2', '/etc/sysctl.conf'), agreeing, 'sysctl.conf is left as it is');
    assert.equal(await bootSysctlValue(t.lab, 'lab2', max), '262144');
  });

  it('lab3: a conflicting /etc/modprobe.d/nf_conntrack.conf hashsize is commented out (the field case), /run one refused', async () => {
    const line = 'options nf_conntrack expect_hashsize=262144 hashsize=262144';
    await execOk(t.lab, 'lab3', `printf '%s\\n' '${line}' > /etc/modprobe.d/nf_conntrack.conf`);
    const file = await playbook(t, 'hashsize', [
      'raise_max: {value: 262144}',
      'set_hashsize: {value: max/4}',
      'persist: {file: /etc/sysctl.conf}',
    ]);
    const run = await runPlaybook(t, file, ['-l', 'lab3', '-o', 'plain']);
    assert.equal(run.cli.exitCode, 0, transcript(run.cli));
    assert.equal(
      await readHostFile(t.lab, 'lab3', '/etc/modprobe.d/nf_conntrack.conf'),
      `${disabled}${line}\noptions nf_conntrack expect_hashsize=262144\n`,
    );
    assert.equal(await bootHashsize(t.lab, 'lab3'), '65536', 'kmod now passes our hashsize last');

    await execOk(
      t.lab,
      'lab3',
      `mkdir -p /run/modprobe.d && printf '%s\\n' 'options nf_conntrack hashsize=4096' > /run/modprobe.d/zz.conf`,
    );
    const etcBefore = await snapshotEtc(t.lab, 'lab3');
    const refused = await runPlaybook(t, file, ['-l', 'lab3', '-o', 'plain']);
    assert.equal(refused.cli.exitCode, 1, transcript(refused.cli));
    const step = stepReport(hostReport(requireReport(refused), 'lab3'), 'persist');
    assert.match(
      step.error ?? hostReport(requireReport(refused), 'lab3').error ?? '',
      /\/run\/modprobe\.d\/zz\.conf:1 sets nf_conntrack hashsize=4096/,
    );
    assert.deepEqual(
      diffEtc(etcBefore, await snapshotEtc(t.lab, 'lab3'), contentFields),
      [],
      'refused before any change',
    );
  });

  it('lab5: a modprobe.d options line continued with a backslash is commented out whole; kmod then passes ours', async () => {
    const text = 'options nf_conntrack expect_hashsize=1024 \\\n   hashsize=16384\n';
    await execOk(t.lab, 'lab5', `printf '%s' '${text}' > /etc/modprobe.d/zz-local.conf`);
    assert.equal(await bootHashsize(t.lab, 'lab5'), '16384', 'kmod joins the continued line');
    const file = await playbook(t, 'continued', [
      'raise_max: {value: 262144}',
      'set_hashsize: {value: max/4}',
      'persist: {sysctl_d: true}',
    ]);
    const run = await runPlaybook(t, file, ['-l', 'lab5', '-o', 'plain']);
    assert.equal(run.cli.exitCode, 0, transcript(run.cli));
    assert.equal(await bootHashsize(t.lab, 'lab5'), '65536', 'kmod now passes our hashsize last');
    assert.equal(
      await readHostFile(t.lab, 'lab5', '/etc/modprobe.d/zz-local.conf'),
      `${disabled}${text}options nf_conntrack expect_hashsize=1024\n`,
    );
    const undo = await runCli(['rollback', '--last', '-i', t.lab.inventoryFile, '-l', 'lab5', '-o', 'plain']);
    assert.equal(undo.exitCode, 0, transcript(undo));
    assert.equal(await readHostFile(t.lab, 'lab5', '/etc/modprobe.d/zz-local.conf'), text, 'restored byte for byte');
  });

  it('lab4: /etc/sysctl.conf without the 99-sysctl.conf link is not read at boot: refused, nothing changed', async () => {
    await execOk(t.lab, 'lab4', 'rm /etc/sysctl.d/99-sysctl.conf');
    assert.equal(await bootSysctlValue(t.lab, 'lab4', max), null, 'systemd-sysctl reads no sysctl.conf now');
    const etcBefore = await snapshotEtc(t.lab, 'lab4');
    const file = await playbook(t, 'unread', ['raise_max: {value: 262144}', 'persist: {file: /etc/sysctl.conf}']);
    const run = await runPlaybook(t, file, ['-l', 'lab4', '-o', 'plain']);
    assert.equal(run.cli.exitCode, 1, transcript(run.cli));
    assert.match(run.cli.stdout + run.cli.stderr, /\/etc\/sysctl\.conf is not read at boot/);
    assert.deepEqual(
      diffEtc(etcBefore, await snapshotEtc(t.lab, 'lab4'), contentFields),
      [],
      'refused before any change',
    );
  });
});
