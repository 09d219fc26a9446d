import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProcSysGrep, parseSysctlOutput } from '../../../src/facts/parse-sysctl.js';
import { knobAt, knobNumber, parseKnobLines, pickConntrackTimeouts } from '../../../src/facts/sections/knobs.js';
import { readFixture } from '../fixtures.js';

test('knob lines: readable, read-only, absent, unreadable, junk', () => {
  const knobs = parseKnobLines([
    '/proc/sys/net/netfilter/nf_conntrack_max\terw\t262144',
    '/proc/sys/net/netfilter/nf_conntrack_buckets\ter\t65536 ',
    '/proc/sys/net/nf_conntrack_max\t-\t',
    '/sys/module/nf_conntrack/parameters/hashsize\te\t',
    'not a knob line',
    'relative\terw\t1',
  ]);
  assert.equal(knobs.size, 4);
  assert.deepEqual(knobAt(knobs, '/proc/sys/net/netfilter/nf_conntrack_max'), {
    path: '/proc/sys/net/netfilter/nf_conntrack_max',
    value: '262144',
    writable: true,
  });
  assert.deepEqual(knobAt(knobs, '/proc/sys/net/netfilter/nf_conntrack_buckets'), {
    path: '/proc/sys/net/netfilter/nf_conntrack_buckets',
    value: '65536',
    writable: false,
  });
  assert.equal(knobAt(knobs, '/proc/sys/net/nf_conntrack_max').value, null);
  assert.equal(knobAt(knobs, '/sys/module/nf_conntrack/parameters/hashsize').value, null, 'exists but unreadable');
  assert.deepEqual(knobAt(knobs, '/never/mentioned'), { path: '/never/mentioned', value: null, writable: false });
});

const numbers: Array<[string | null, number | null]> = [
  ['262144', 262144],
  ['', null],
  [null, null],
  ['12 34', null],
  ['-1', null],
];
for (const [value, expected] of numbers) {
  test(`knobNumber(${JSON.stringify(value)})`, () =>
    assert.equal(knobNumber({ path: '/x', value, writable: false }), expected));
}

// Debian 6.1 defaults from /work/shared/notes/kernel-facts.md, unchanged on 6.18
const defaults = {
  tcp_timeout_established: 432000,
  tcp_timeout_time_wait: 120,
  tcp_timeout_close_wait: 60,
  tcp_timeout_fin_wait: 120,
  tcp_timeout_syn_sent: 120,
  udp_timeout: 30,
  udp_timeout_stream: 120,
  icmp_timeout: 30,
  generic_timeout: 600,
};

const sources = [
  { name: 'sysctl -a (host)', values: () => parseSysctlOutput(readFixture('sysctl-a-conntrack.6.18.txt')) },
  {
    name: 'grep . /proc/sys (fresh netns)',
    values: () => parseProcSysGrep(readFixture('proc-timeouts.6.18-netns.txt')),
  },
];

for (const source of sources) {
  test(`timeouts from ${source.name}`, () => {
    const timeouts = pickConntrackTimeouts(source.values());
    for (const [name, seconds] of Object.entries(defaults)) assert.equal(timeouts[name], seconds, name);
    assert.ok(Object.keys(timeouts).every((name) => name.includes('timeout') && !name.startsWith('nf_conntrack_')));
    assert.ok(!('max' in timeouts) && !('tcp_loose' in timeouts));
  });
}

test('both ways of reading give the same timeouts', () => {
  const [a, b] = sources.map((s) => pickConntrackTimeouts(s.values()));
  assert.deepEqual(a, b);
});

test('non-numeric values are skipped, not NaN', () => {
  assert.deepEqual(
    pickConntrackTimeouts({
      'net.netfilter.nf_conntrack_udp_timeout': 'abc',
      'net.netfilter.nf_conntrack_icmp_timeout': '',
    }),
    {},
  );
});
