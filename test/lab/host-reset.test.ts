/** host-reset.ts: after snapshotHosts, any change a tune makes (knobs, timeouts, /etc files, journals) is undone by resetHosts. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resetHosts, snapshotHosts } from './host-reset.js';
import { labSkipReason, startLab, type Lab } from './lab.js';

const portBase = 29700;
const state = [
  'cat /proc/sys/net/netfilter/nf_conntrack_max /sys/module/nf_conntrack/parameters/hashsize /proc/sys/net/netfilter/nf_conntrack_count',
  'cat /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait',
  'md5sum /etc/sysctl.conf; ls -l /etc/sysctl.d /etc/modprobe.d | md5sum; ls -A /var/lib/conntrack-fleet',
].join('; ');

async function readState(lab: Lab, host: string): Promise<string> {
  const result = await lab.exec(host, state);
  assert.equal(result.exitCode, 0, result.stderr);
  return result.stdout;
}

describe('host-reset: snapshot, tune by hand, reset', { skip: labSkipReason() ?? false }, () => {
  let tmp = '';
  let lab: Lab;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cf-host-reset-test-'));
    lab = await startLab({ count: 2, dir: path.join(tmp, 'lab'), portBase });
  });

  after(async () => {
    await lab?.down();
    await rm(tmp, { recursive: true, force: true });
  });

  it('sets the count, then puts every changed value and file back', async () => {
    await snapshotHosts(lab, { count: 777 });
    const snapshot = await readState(lab, 'lab2');
    assert.match(snapshot, /^65536\n65536\n777\n/);
    const tune = [
      'echo 262144 > /proc/sys/net/netfilter/nf_conntrack_max',
      'echo 65536 > /sys/module/nf_conntrack/parameters/hashsize',
      'echo 4096 > /sys/module/nf_conntrack/parameters/hashsize',
      'echo 86400 > /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established',
      'echo 90 > /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait',
      'echo net.netfilter.nf_conntrack_max=262144 >> /etc/sysctl.conf',
      'echo x > /etc/sysctl.d/90-conntrack.conf',
      'echo options nf_conntrack hashsize=4096 > /etc/modprobe.d/90-conntrack.conf',
      'echo journal > /var/lib/conntrack-fleet/run.json',
    ].join('\n');
    assert.equal((await lab.exec('lab2', tune)).exitCode, 0);
    assert.notEqual(await readState(lab, 'lab2'), snapshot);
    await resetHosts(lab);
    assert.equal(await readState(lab, 'lab2'), snapshot);
  });
});
