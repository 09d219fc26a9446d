import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeSysctlKey, sysctlKeyOfProcPath } from '../../src/kernel/sysctl-keys.js';
import { parseProcSysGrep, parseSysctlLine, parseSysctlOutput } from '../../src/facts/parse-sysctl.js';
import { readFixture } from './fixtures.js';

const keys: Array<[string, string]> = [
  ['net.netfilter.nf_conntrack_max', 'net.netfilter.nf_conntrack_max'],
  ['net/netfilter/nf_conntrack_max', 'net.netfilter.nf_conntrack_max'],
  ['/net/nf_conntrack_max', 'net.nf_conntrack_max'],
  // slash first: dots belong to the name (a VLAN interface)
  ['net/ipv4/conf/eth0.10/forwarding', 'net.ipv4.conf.eth0/10.forwarding'],
  ['net.ipv4.conf.eth0/10.forwarding', 'net.ipv4.conf.eth0/10.forwarding'],
  // sysctl.d(5): blanks and the leading `-` (ignore errors) are not part of the key
  ['  -net.netfilter.nf_conntrack_max ', 'net.netfilter.nf_conntrack_max'],
  ['-net/ipv4/ip_forward', 'net.ipv4.ip_forward'],
];

for (const [key, expected] of keys) {
  test(`normalise ${key}`, () => assert.equal(normalizeSysctlKey(key), expected));
}

const lines: Array<[string, ReturnType<typeof parseSysctlLine>]> = [
  [
    'net.netfilter.nf_conntrack_max = 262144',
    { key: 'net.netfilter.nf_conntrack_max', value: '262144', ignoreErrors: false },
  ],
  ['  -net/nf_conntrack_max=5  ', { key: 'net.nf_conntrack_max', value: '5', ignoreErrors: true }],
  [
    'net.ipv4.ip_local_port_range = 32768\t60999',
    { key: 'net.ipv4.ip_local_port_range', value: '32768\t60999', ignoreErrors: false },
  ],
  ['key.with.empty.value =', { key: 'key.with.empty.value', value: '', ignoreErrors: false }],
  ['# net.netfilter.nf_conntrack_max = 1', null],
  ['; net.netfilter.nf_conntrack_max = 1', null],
  ['no equals here', null],
  ['= 5', null],
  ['two words = 5', null],
  ['', null],
];

for (const [line, expected] of lines) {
  test(`line ${JSON.stringify(line)}`, () => assert.deepEqual(parseSysctlLine(line), expected));
}

test('sysctl -a | grep conntrack (real, 6.18)', () => {
  const values = parseSysctlOutput(readFixture('sysctl-a-conntrack.6.18.txt'));
  assert.equal(Object.keys(values).length, 42);
  assert.equal(values['net.netfilter.nf_conntrack_max'], '262144');
  assert.equal(values['net.nf_conntrack_max'], values['net.netfilter.nf_conntrack_max']);
  assert.equal(values['net.netfilter.nf_conntrack_tcp_timeout_established'], '432000');
});

test('grep . /proc/sys/… output (real, 6.18 netns) becomes sysctl keys', () => {
  const values = parseProcSysGrep(readFixture('proc-timeouts.6.18-netns.txt'));
  assert.equal(values['net.netfilter.nf_conntrack_tcp_timeout_established'], '432000');
  assert.ok(Object.keys(values).every((key) => key.startsWith('net.netfilter.nf_conntrack_')));
});

test('grep output: lines that are not /proc/sys paths are skipped', () => {
  assert.deepEqual(parseProcSysGrep('432000\ngrep: x: No such file\n/proc/sys/net/a_b:7\n'), { 'net.a_b': '7' });
});

const procPaths: Array<[string, string]> = [
  ['net/netfilter/nf_conntrack_max', 'net.netfilter.nf_conntrack_max'],
  // every slash of a /proc/sys path separates, even after a dot (a VLAN interface)
  ['net/ipv4/conf/eth0.10/forwarding', 'net.ipv4.conf.eth0/10.forwarding'],
  ['net.x/y', 'net/x.y'],
];

for (const [relative, expected] of procPaths) {
  test(`/proc/sys/${relative} is the key ${expected}`, () => assert.equal(sysctlKeyOfProcPath(relative), expected));
}
