import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProcSysGrep, parseSysctlOutput } from '../../src/facts/parse-sysctl.js';
import { pickConntrackTimeouts } from '../../src/facts/parse-timeouts.js';
import { readFixture } from './fixtures.js';

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
  { name: 'grep . /proc/sys (fresh netns)', values: () => parseProcSysGrep(readFixture('proc-timeouts.6.18-netns.txt')) },
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
  assert.deepEqual(pickConntrackTimeouts({ 'net.netfilter.nf_conntrack_udp_timeout': 'abc', 'net.netfilter.nf_conntrack_icmp_timeout': '' }), {});
});
