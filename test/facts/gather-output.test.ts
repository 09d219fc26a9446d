import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notRootProblem, parseGatherOutput } from '../../src/facts/gather-output.js';
import { readFixture } from './fixtures.js';
import { fixtureToken, gatherFixture } from './gather-fixture.js';

const g = gatherFixture();
const fixtureLines = (name: string) => readFixture(name).replace(/\n$/, '').split('\n');

/** What the script prints on a Debian 6.1 host with a modular kernel, as an unprivileged user. */
const debianNonRoot = g.output({
  identity: g.identity({ kernel: '6.1.0-18-cloud-amd64', uid: 1000, cpus: 4, memTotalKb: 4014352 }),
  modules: g.block('lsmod', fixtureLines('lsmod.debian-6.1-iptables-nft-masquerade-handwritten.txt'), { rc: 0 }),
  conntrack: g.presence({ listed: true, sysModule: true, initstate: true, builtinList: false }),
  knobs: [
    ...g.block('knobs', [
      '/proc/sys/net/netfilter/nf_conntrack_max\ter\t',
      '/proc/sys/net/nf_conntrack_max\ter\t65536',
      '/proc/sys/net/netfilter/nf_conntrack_buckets\ter\t65536',
      '/proc/sys/net/netfilter/nf_conntrack_count\ter\t17',
      '/sys/module/nf_conntrack/parameters/hashsize\te\t',
    ]),
    ...g.block('values', fixtureLines('proc-timeouts.6.18-netns.txt')),
  ],
  stats: g.block('stats', fixtureLines('stat-nf_conntrack.4.19-4cpu-handwritten.txt')),
  slabinfo: [g.problem('cannot read /proc/slabinfo: bytes per conntrack entry unknown')],
  rules: g.block('rules iptables-save', [], {
    rc: 4,
    stderr: [
      'iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)',
    ],
  }),
  'kube-proxy': [g.value('kube_proxy', 1)],
  files: g.block('file 0', ['unreadable']),
});

test('a modular Debian host read by a non-root user', () => {
  const facts = parseGatherOutput(debianNonRoot, { files: ['/etc/modprobe.d/nf_conntrack.conf'] }, fixtureToken);
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
    ['garbage', g.record('begin'), g.record('end'), g.record('value'), g.record('rc', 'x'), g.record('')].join('\n'),
    [
      g.value('cpus', 'NaN'),
      g.value('uid', 0),
      ...g.block('knobs', ['/proc/sys/net/netfilter/nf_conntrack_max\ter\tNaN']),
    ].join('\n'),
  ]) {
    const facts = parseGatherOutput(text, { files: ['/x'] }, fixtureToken);
    assert.equal(hasNaN(facts), false);
    assert.equal(facts.max, null);
    assert.ok(facts.problems.some((p) => p.startsWith('gather output incomplete')));
    assert.equal(facts.conntrack, 'absent');
    assert.ok(!('/x' in facts.files));
  }
});
