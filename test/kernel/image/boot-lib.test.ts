/** The guest's boot functions, run on the host with dash against a fake /etc and /proc/sys: systemd's sysctl rules. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCommand } from './exec.js';
import { findExecutable } from '../vm/host-tools.js';

const libFile = join(dirname(fileURLToPath(import.meta.url)), 'guest/boot-lib.sh');
const skip = findExecutable('dash') ? false : 'dash is not installed (apt-get install dash)';

async function put(root: string, path: string, content: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

async function callLib(root: string, fn: string): Promise<string> {
  const script = `TAB=$(printf '\\t'); CONF_ROOT=$1; PROC_SYS=$1/proc/sys; LOG=$1/boot.log; . "$2"; ${fn}`;
  const result = await runCommand('dash', ['-c', script, 'dash', root, libFile]);
  assert.equal(result.exitCode, 0, result.stderr);
  return result.stdout;
}

describe('guest boot-lib.sh (systemd-sysctl rules)', { skip }, () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'conntrack-fleet-bootlib-'));
    await put(root, 'usr/lib/sysctl.d/10-a.conf', '# vendor\nnet.netfilter.nf_conntrack_max = 1000\n; old comment\n\n');
    await put(root, 'usr/lib/sysctl.d/20-b.conf', 'net.netfilter.nf_conntrack_max = 9999\n'); // shadowed by /etc/sysctl.d/20-b.conf
    await put(root, 'usr/lib/sysctl.d/30-masked.conf', 'net.netfilter.nf_conntrack_max = 7777\n');
    await put(
      root,
      'run/sysctl.d/15-c.conf',
      '-net.netfilter.nf_conntrack_tcp_timeout_close_wait = 60\nnet.ipv4.conf.eth0/1.rp_filter=2\n',
    );
    await put(root, 'etc/sysctl.d/20-b.conf', 'net/netfilter/nf_conntrack_buckets =  2048  \nnot an assignment\n');
    await put(
      root,
      'etc/sysctl.conf',
      'net.netfilter.nf_conntrack_max = 200000\nnet.ipv4.ip_local_port_range = 1024 65000\n',
    );
    await symlink('/dev/null', join(root, 'etc/sysctl.d/30-masked.conf'));
    await symlink('../sysctl.conf', join(root, 'etc/sysctl.d/99-sysctl.conf'));
    await put(root, 'proc/sys/net/netfilter/nf_conntrack_max', '4096\n');
    await put(root, 'proc/sys/net/netfilter/nf_conntrack_buckets', '4096\n');
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('orders *.conf by basename across dirs; /etc shadows /usr/lib; /dev/null masks', async () => {
    const files = (await callLib(root, 'list_conf_files sysctl.d')).trim().split('\n');
    const shown = files.map((file) => file.slice(root.length + 1));
    assert.deepEqual(shown, [
      'usr/lib/sysctl.d/10-a.conf',
      'run/sysctl.d/15-c.conf',
      'etc/sysctl.d/20-b.conf',
      'etc/sysctl.d/99-sysctl.conf',
    ]);
  });

  it('writes each key once with its last value, normalizing dots and slashes as systemd does', async () => {
    const lines = (await callLib(root, 'sysctl_assignments'))
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    assert.deepEqual(lines, [
      ['1', 'net/netfilter/nf_conntrack_tcp_timeout_close_wait', '60'],
      ['0', 'net/ipv4/conf/eth0.1/rp_filter', '2'],
      ['0', 'net/netfilter/nf_conntrack_buckets', '2048'],
      ['0', 'net/netfilter/nf_conntrack_max', '200000'],
      ['0', 'net/ipv4/ip_local_port_range', '1024 65000'],
    ]);
  });

  it('applies what exists and logs the rest like systemd-sysctl; a leading "-" silences a missing key', async () => {
    const out = await callLib(root, 'apply_sysctl');
    assert.equal(await readFile(join(root, 'proc/sys/net/netfilter/nf_conntrack_max'), 'utf8'), '200000\n');
    assert.equal(await readFile(join(root, 'proc/sys/net/netfilter/nf_conntrack_buckets'), 'utf8'), '2048\n');
    assert.match(
      out,
      /Couldn't write '1024 65000' to 'net\/ipv4\/ip_local_port_range', ignoring: No such file or directory/,
    );
    assert.doesNotMatch(out, /close_wait/);
    assert.match(await readFile(join(root, 'boot.log'), 'utf8'), /Set 'net\/netfilter\/nf_conntrack_max' to '200000'/);
  });

  it('reads /etc/sysctl.conf last when no sysctl.d link points at it', async () => {
    await rm(join(root, 'etc/sysctl.d/99-sysctl.conf'));
    await put(root, 'etc/sysctl.d/99-zzz.conf', 'net.netfilter.nf_conntrack_max = 1\n');
    const lines = (await callLib(root, 'sysctl_assignments')).trim().split('\n');
    assert.equal(lines.at(-1), '0\tnet/ipv4/ip_local_port_range\t1024 65000');
    assert.ok(lines.includes('0\tnet/netfilter/nf_conntrack_max\t200000'));
  });
});
