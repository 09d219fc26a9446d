import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notRootProblem, parseGatherOutput } from '../../src/facts/gather-output.js';
import { readFixture } from './fixtures.js';

const prefixed = (text: string) => text.split('\n').map((line) => `|${line}`);

/** What the script prints on a Debian 6.1 host with a modular kernel, as an unprivileged user. */
const debianNonRoot = [
  '@@section identity',
  '@@value kernel 6.1.0-18-cloud-amd64',
  '@@value uid 1000',
  '@@value cpus 4',
  '@@begin meminfo',
  '|MemTotal:        4014352 kB',
  '@@end',
  '@@section modules',
  '@@begin lsmod',
  ...prefixed(readFixture('lsmod.debian-6.1-iptables-nft-masquerade-handwritten.txt')),
  '@@rc 0',
  '@@end',
  '@@section conntrack',
  '@@value conntrack_listed 1',
  '@@value conntrack_sys_module 1',
  '@@value conntrack_initstate 1',
  '@@value conntrack_builtin_list 0',
  '@@section knobs',
  '@@begin knobs',
  '|/proc/sys/net/netfilter/nf_conntrack_max\ter\t',
  '|/proc/sys/net/nf_conntrack_max\ter\t65536',
  '|/proc/sys/net/netfilter/nf_conntrack_buckets\ter\t65536',
  '|/proc/sys/net/netfilter/nf_conntrack_count\ter\t17',
  '|/sys/module/nf_conntrack/parameters/hashsize\te\t',
  '@@end',
  '@@begin values',
  ...prefixed(readFixture('proc-timeouts.6.18-netns.txt')),
  '@@end',
  '@@section stats',
  '@@begin stats',
  ...prefixed(readFixture('stat-nf_conntrack.4.19-4cpu-handwritten.txt')),
  '@@end',
  '@@section slabinfo',
  '@@problem cannot read /proc/slabinfo: bytes per conntrack entry unknown',
  '@@section rules',
  '@@begin rules iptables-save',
  '!iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)',
  '@@rc 4',
  '@@end',
  '@@section kube-proxy',
  '@@value kube_proxy 1',
  '@@section files',
  '@@begin file 0',
  '|unreadable',
  '@@end',
  '@@done',
].join('\n');

test('a modular Debian host read by a non-root user', () => {
  const facts = parseGatherOutput(debianNonRoot, { files: ['/etc/modprobe.d/nf_conntrack.conf'] });
  assert.equal(facts.kernel, '6.1.0-18-cloud-amd64');
  assert.equal(facts.isRoot, false);
  assert.equal(facts.conntrack, 'module');
  assert.equal(facts.memTotalBytes, 4014352 * 1024);
  assert.equal(facts.max, 65536, 'falls back to the net.nf_conntrack_max alias');
  assert.deepEqual([facts.count, facts.buckets, facts.hashsize], [17, 65536, null]);
  assert.equal(facts.knobs.max.value, '');
  assert.equal(facts.timeouts['tcp_timeout_established'], 432000);
  assert.equal(facts.stats?.drop, 8);
  assert.equal(facts.entryBytes, null);
  assert.equal(facts.modules.find((m) => m.name === 'nf_conntrack')?.usedBy.join(','), 'nf_nat,xt_MASQUERADE');
  assert.deepEqual([facts.natRulesInUse, facts.natRuleEvidence], [false, []]);
  assert.equal(facts.kubeProxy, true);
  assert.deepEqual(facts.files, {});
  assert.deepEqual(facts.problems, [
    notRootProblem,
    'cannot read /proc/slabinfo: bytes per conntrack entry unknown',
    'iptables-save failed (exit 4): iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)',
    '/etc/modprobe.d/nf_conntrack.conf cannot be read',
  ]);
});

function hasNaN(value: unknown): boolean {
  if (typeof value === 'number') return Number.isNaN(value);
  if (value && typeof value === 'object') return Object.values(value).some(hasNaN);
  return false;
}

test('garbage never throws and never yields NaN', () => {
  for (const text of [
    '',
    'garbage\n@@begin\n@@end\n@@value\n@@rc x',
    '@@value cpus NaN\n@@value uid 0\n@@begin knobs\n|/proc/sys/net/netfilter/nf_conntrack_max\ter\tNaN\n@@end',
  ]) {
    const facts = parseGatherOutput(text, { files: ['/x'] });
    assert.equal(hasNaN(facts), false);
    assert.equal(facts.max, null);
    assert.ok(facts.problems.some((p) => p.startsWith('gather output incomplete')));
    assert.equal(facts.conntrack, 'absent');
    assert.ok(!('/x' in facts.files));
  }
});
