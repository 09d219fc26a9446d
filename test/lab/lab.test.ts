import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseConntrackStats } from '../../src/facts/parse-conntrack-stats.js';
import { labSkipReason, startLab, type KnobName, type Lab } from './lab.js';
import { knobMountPoints } from './layout.js';
import { downAndFindLeftovers, findProcessesMounting } from './leftovers.js';
import { runSsh, runSshTo } from './ssh-run.js';

const skipReason = labSkipReason();
const portBase = 23220;
const machineTimeoutFile = '/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established';

function readMachine(file: string): string {
  return readFileSync(file, 'utf8').trim();
}

async function ssh(lab: Lab, host: string, command: string): Promise<string> {
  const result = await runSsh(lab, host, command);
  assert.equal(result.exitCode, 0, `ssh ${host} \`${command}\` failed: ${result.stderr}`);
  return result.stdout;
}

describe('lab: hosts with a real sshd in their own namespaces', { skip: skipReason ?? false }, () => {
  let tmp = '';
  let lab: Lab;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'conntrack-lab-test-'));
    lab = await startLab({
      count: 2,
      dir: path.join(tmp, 'lab'),
      portBase,
      inventoryFile: path.join(tmp, 'inventories', 'lab.yaml'),
      knownHostsFile: path.join(tmp, 'inventories', 'lab.known_hosts'),
    });
  });

  after(async () => {
    await lab?.down();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('writes an Ansible inventory and a known_hosts file naming every host', () => {
    const inventory = parse(readFileSync(lab.inventoryFile, 'utf8'));
    const hosts = inventory.all.children.lab.hosts;
    assert.deepEqual(Object.keys(hosts), ['lab1', 'lab2']);
    for (const host of lab.hosts) {
      assert.equal(hosts[host.name].ansible_port, host.port);
      assert.equal(hosts[host.name].ansible_ssh_private_key_file, lab.privateKeyFile);
      assert.ok(path.isAbsolute(lab.privateKeyFile));
      assert.equal(hosts[host.name].ansible_ssh_common_args, `-o UserKnownHostsFile=${lab.knownHostsFile}`);
    }
    const lines = readFileSync(lab.knownHostsFile, 'utf8').trim().split('\n');
    assert.deepEqual(
      lines.map((line) => line.split(' ')[0]),
      lab.hosts.map((h) => `[127.0.0.1]:${h.port}`),
    );
  });

  it('logs in with strict host key checking, and each host has its own hostname', async () => {
    for (const host of lab.hosts) {
      assert.equal((await ssh(lab, host.name, 'hostname')).trim(), host.name);
    }
    const [first, second] = lab.hosts;
    assert.ok(first && second);
    // Host key checking is real: lab1's key offered for lab2's port is refused.
    const wrongKnownHosts = path.join(tmp, 'wrong_known_hosts');
    const firstKey = readFileSync(lab.knownHostsFile, 'utf8').split('\n')[0]?.split(' ').slice(1).join(' ');
    await writeFile(wrongKnownHosts, `[127.0.0.1]:${second.port} ${firstKey}\n`);
    const refused = await runSshTo(
      { port: second.port, privateKeyFile: lab.privateKeyFile, knownHostsFile: wrongKnownHosts },
      'true',
    );
    assert.equal(refused.exitCode, 255);
    assert.match(refused.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('sysctl -w and echo write the knob stand-ins, per host; the machine is untouched', async () => {
    const machineMax = readMachine(knobMountPoints.max);
    const read =
      'sysctl -n net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_buckets; cat /sys/module/nf_conntrack/parameters/hashsize';
    assert.deepEqual((await ssh(lab, 'lab2', read)).split('\n'), ['65536', '2400', '65536', '65536', '']);
    await ssh(
      lab,
      'lab1',
      [
        'sysctl -w net.netfilter.nf_conntrack_max=131072',
        'sysctl -w net.netfilter.nf_conntrack_count=7',
        'sysctl -w net.netfilter.nf_conntrack_buckets=32768',
      ].join(' && '),
    );
    assert.deepEqual((await ssh(lab, 'lab1', read)).split('\n'), ['131072', '7', '32768', '32768', '']);
    // buckets and hashsize are one kernel variable, so writing hashsize shows in buckets too.
    await ssh(lab, 'lab1', 'echo 16384 > /sys/module/nf_conntrack/parameters/hashsize');
    assert.deepEqual((await ssh(lab, 'lab1', read)).split('\n'), ['131072', '7', '16384', '16384', '']);
    assert.deepEqual((await ssh(lab, 'lab2', read)).split('\n'), ['65536', '2400', '65536', '65536', '']);
    assert.equal(readMachine(knobMountPoints.max), machineMax);
  });

  it('keeps a conntrack timeout written in one host out of the other host and the machine', async () => {
    const key = 'net.netfilter.nf_conntrack_tcp_timeout_established';
    const machineBefore = readMachine(machineTimeoutFile);
    const secondBefore = (await ssh(lab, 'lab2', `sysctl -n ${key}`)).trim();
    const written = String(Number(secondBefore) + 4321);
    await ssh(lab, 'lab1', `sysctl -w ${key}=${written}`);
    assert.equal((await ssh(lab, 'lab1', `sysctl -n ${key}`)).trim(), written);
    assert.equal((await ssh(lab, 'lab2', `sysctl -n ${key}`)).trim(), secondBefore);
    assert.equal(readMachine(machineTimeoutFile), machineBefore);
  });

  it('replaces /etc/sysctl.conf by rename(2), per host, leaving the machine file alone', async () => {
    const machineBefore = readFileSync('/etc/sysctl.conf', 'utf8');
    const seeded = await ssh(lab, 'lab1', 'cat /etc/sysctl.conf');
    assert.match(seeded, /^net\.ipv4\.netfilter\.ip_conntrack_max = 65536$/m);
    assert.match(seeded, /^net\.netfilter\.nf_conntrack_max = 65536$/m);
    await ssh(lab, 'lab1', 'test -d /etc/sysctl.d && test -d /etc/modprobe.d && test -d /etc/modules-load.d');
    await ssh(
      lab,
      'lab1',
      "printf 'net.netfilter.nf_conntrack_max = 262144\\n' > /etc/sysctl.conf.new && mv /etc/sysctl.conf.new /etc/sysctl.conf",
    );
    assert.equal(await ssh(lab, 'lab1', 'cat /etc/sysctl.conf'), 'net.netfilter.nf_conntrack_max = 262144\n');
    assert.equal(await ssh(lab, 'lab2', 'cat /etc/sysctl.conf'), seeded);
    assert.equal(readFileSync('/etc/sysctl.conf', 'utf8'), machineBefore);
  });

  it('has lsmod, rmmod and modprobe that behave like kmod, per host', async () => {
    const loadedNames = async (host: string): Promise<string[]> =>
      (await ssh(lab, host, 'lsmod'))
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(/\s+/)[0] ?? '')
        .sort();
    const initial = await loadedNames('lab1');
    assert.deepEqual(initial, [
      'ip_tables',
      'ipt_MASQUERADE',
      'iptable_nat',
      'libcrc32c',
      'nf_conntrack',
      'nf_defrag_ipv4',
      'nf_defrag_ipv6',
      'nf_nat',
      'x_tables',
    ]);
    assert.match(await ssh(lab, 'lab1', 'lsmod'), /^Module {18}Size {2}Used by\nipt_MASQUERADE {9}16384 {2}0\n/);
    const refused = await runSsh(lab, 'lab1', 'rmmod nf_conntrack');
    assert.deepEqual(
      [refused.exitCode, refused.stderr],
      [1, 'rmmod: ERROR: Module nf_conntrack is in use by: nf_nat ipt_MASQUERADE\n'],
    );
    const notLoaded = await runSsh(lab, 'lab1', 'rmmod nf_conntrack_netlink');
    assert.deepEqual(
      [notLoaded.exitCode, notLoaded.stderr],
      [1, 'rmmod: ERROR: Module nf_conntrack_netlink is not currently loaded\n'],
    );
    await ssh(lab, 'lab1', 'rmmod ipt_MASQUERADE iptable_nat nf_nat nf_conntrack nf_defrag_ipv6 nf_defrag_ipv4');
    assert.deepEqual(await loadedNames('lab1'), ['ip_tables', 'libcrc32c', 'x_tables']);
    assert.deepEqual(await loadedNames('lab2'), initial);
    assert.equal(await ssh(lab, 'lab1', 'modprobe iptable_nat && modprobe ipt_MASQUERADE'), '');
    assert.deepEqual(await loadedNames('lab1'), initial);
    const unknown = await runSsh(lab, 'lab1', 'modprobe nf_conntrack_ipv4');
    assert.deepEqual(
      [unknown.exitCode, unknown.stderr],
      [1, `modprobe: FATAL: Module nf_conntrack_ipv4 not found in directory /lib/modules/${os.release()}\n`],
    );
  });

  it('simulates holders outside the chain: a module, or a use count held by something else', async () => {
    await ssh(lab, 'lab2', 'modprobe nf_conntrack_netlink');
    const byModule = await runSsh(lab, 'lab2', 'rmmod nf_conntrack');
    assert.equal(
      byModule.stderr,
      'rmmod: ERROR: Module nf_conntrack is in use by: nf_nat ipt_MASQUERADE nf_conntrack_netlink\n',
    );
    await ssh(lab, 'lab2', 'rmmod nf_conntrack_netlink nfnetlink ipt_MASQUERADE iptable_nat nf_nat');
    await lab.setModuleUse('lab2', 'nf_conntrack', 1);
    assert.match(await ssh(lab, 'lab2', 'lsmod'), /^nf_conntrack {10}176128 {2}1$/m);
    const bySomethingElse = await runSsh(lab, 'lab2', 'rmmod nf_conntrack');
    assert.deepEqual(
      [bySomethingElse.exitCode, bySomethingElse.stderr],
      [1, 'rmmod: ERROR: Module nf_conntrack is in use\n'],
    );
    await lab.setModuleUse('lab2', 'nf_conntrack', 0);
    await ssh(lab, 'lab2', 'modprobe iptable_nat && modprobe ipt_MASQUERADE');
  });

  for (const knob of Object.keys(knobMountPoints) as KnobName[]) {
    it(`setKnobReadOnly makes writes to the ${knob} stand-in fail with EROFS, and undoes it`, async () => {
      const file = knobMountPoints[knob];
      const writeThenRead = `echo 4096 > ${file}; echo "exit=$?"; cat ${file}`;
      const before = (await lab.exec('lab1', `cat ${file}`)).stdout;
      await lab.setKnobReadOnly('lab1', knob, true);
      const refused = await runSsh(lab, 'lab1', writeThenRead);
      assert.match(refused.stderr, /Read-only file system/);
      assert.match(refused.stdout, /^exit=[1-9]\d*\n/);
      assert.equal(refused.stdout.replace(/^exit=\d+\n/, ''), before);
      await lab.setKnobReadOnly('lab1', knob, false);
      assert.equal(await ssh(lab, 'lab1', writeThenRead), 'exit=0\n4096\n');
    });
  }

  it('exports a per-host conntrack stats stand-in to SSH sessions; addDrops bumps only that host', async () => {
    const read = 'cat "$CONNTRACK_FLEET_STAT_FILE"';
    const before = await ssh(lab, 'lab1', read);
    const otherBefore = await ssh(lab, 'lab2', read);
    assert.notEqual(before, otherBefore); // entries = the host's count
    assert.match(before, /^entries +clashres .*\bdrop early_drop\b/);
    await lab.addDrops('lab1', 17);
    const after = parseConntrackStats(await ssh(lab, 'lab1', read));
    assert.deepEqual([after?.drop, after?.insert_failed, after?.all['entries']], [17, 0, 1200]);
    assert.equal(await ssh(lab, 'lab2', read), otherBefore);
  });

  it('runs exec scripts inside the host, not on the machine', async () => {
    const result = await lab.exec('lab2', 'hostname; cat /proc/sys/net/netfilter/nf_conntrack_count');
    assert.deepEqual(result, { stdout: 'lab2\n2400\n', stderr: '', exitCode: 0 });
    assert.equal(findProcessesMounting(lab.dir).length >= lab.hosts.length, true);
  });

  it('goes down leaving no process, namespace, mount or file; a new lab then reuses the ports', async () => {
    const leftovers = await downAndFindLeftovers(lab);
    assert.deepEqual(leftovers, []);
    const again = await startLab({
      count: 1,
      dir: lab.dir,
      portBase,
      knownHostsFile: path.join(tmp, 'again_known_hosts'),
    });
    assert.equal(again.hosts[0]?.port, lab.hosts[0]?.port);
    assert.equal((await ssh(again, 'lab1', 'hostname')).trim(), 'lab1');
    assert.deepEqual(await downAndFindLeftovers(again), []);
  });
});
