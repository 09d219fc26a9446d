import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSysctlConf } from '../../src/facts/parse-sysctl-conf.js';
import { readFixture } from './fixtures.js';

test('conntrack keys with file and line, keys normalised with dots', () => {
  const file = '/etc/sysctl.d/90-conntrack.conf';
  assert.deepEqual(parseSysctlConf(readFixture('sysctl-conf.handwritten.txt'), file), [
    { file, line: 2, key: 'net.netfilter.nf_conntrack_max', value: '262144' },
    { file, line: 3, key: 'net.netfilter.nf_conntrack_tcp_timeout_established', value: '86400' },
    { file, line: 4, key: 'net.netfilter.nf_conntrack_buckets', value: '65536' },
    { file, line: 7, key: 'net.nf_conntrack_max', value: '131072' },
    { file, line: 8, key: 'net.ipv4.netfilter.ip_conntrack_max', value: '65536' },
    { file, line: 10, key: 'net.netfilter.nf_conntrack_udp_timeout', value: '' },
  ]);
});

test('a file without conntrack keys, CRLF line ends, no trailing newline', () => {
  assert.deepEqual(parseSysctlConf('vm.swappiness = 10', '/etc/sysctl.conf'), []);
  assert.deepEqual(parseSysctlConf('# x\r\nnet.netfilter.nf_conntrack_max = 5\r\n', 'f'), [
    { file: 'f', line: 2, key: 'net.netfilter.nf_conntrack_max', value: '5' },
  ]);
});
