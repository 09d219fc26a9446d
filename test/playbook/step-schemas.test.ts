import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StepSpec } from '../../src/playbook/types.js';
import { assertInputError, yamlLines } from '../config/input-error-assert.js';
import { playbookFrom } from './playbook-from.js';

const optionsOf = (step: string): StepSpec['options'] | undefined =>
  playbookFrom(yamlLines('hosts: all', 'steps:', `  - ${step}`)).steps[0]?.options;

const defaults: Array<[string, unknown]> = [
  ['check_count:', {}],
  ['check_count: {warn_above_percent: 80}', { warn_above_percent: 80 }],
  ['check_count: {warn_above_percent: 80, fail_above_percent: 98}', { warn_above_percent: 80, fail_above_percent: 98 }],
  [
    'raise_max: {value: 262144}',
    { value: 262144, per_cpu: 32768, min: 131072, allow_lower: false, max_memory_percent: 10 },
  ],
  [
    'raise_max: {value: auto, per_cpu: 65536, min: 1, allow_lower: true, max_memory_percent: 2.5}',
    { value: 'auto', per_cpu: 65536, min: 1, allow_lower: true, max_memory_percent: 2.5 },
  ],
  ['set_hashsize:', { value: { kind: 'fraction-of-max', divisor: 4 } }],
  ['set_hashsize: {}', { value: { kind: 'fraction-of-max', divisor: 4 } }],
  ['set_hashsize: {value: max}', { value: { kind: 'fraction-of-max', divisor: 1 } }],
  ['set_hashsize: {value: 16384}', { value: { kind: 'absolute', value: 16384 } }],
  [
    'set_timeouts: {tcp_timeout_established: 86400, nf_conntrack_udp_timeout: 30}',
    { timeouts: { tcp_timeout_established: 86400, udp_timeout: 30 } },
  ],
  ['persist:', { file: '/etc/sysctl.conf', sysctl_d: false, remove: [] }],
  ['persist: {sysctl_d: true}', { file: '/etc/sysctl.d/90-conntrack-fleet.conf', sysctl_d: true, remove: [] }],
  [
    'persist: {file: /etc/sysctl.d/50-ct.conf, sysctl_d: true}',
    { file: '/etc/sysctl.d/50-ct.conf', sysctl_d: true, remove: [] },
  ],
  [
    'persist: {remove: [nf_conntrack_max, hashsize, udp_timeout, net/netfilter/nf_conntrack_tcp_timeout_established]}',
    {
      file: '/etc/sysctl.conf',
      sysctl_d: false,
      remove: ['max', 'hashsize', 'udp_timeout', 'tcp_timeout_established'],
    },
  ],
  ['unload_nat:', {}],
  ['unload_nat: {}', {}],
];

for (const [step, want] of defaults) {
  test(`${step} → ${JSON.stringify(want)}`, () => assert.deepEqual(optionsOf(step), want));
}

// Each line below is line 3 of its playbook; the column is that of the offending node.
const errors: Array<[string, string, RegExp]> = [
  [
    'raise_max: {value: lots}',
    '3:24',
    /^steps\[0\]\.raise_max\.value: got "lots"; expected an integer 1-2147483647 or "auto"$/,
  ],
  ['raise_max: {value: 0}', '3:24', /value: got 0; expected an integer 1-2147483647 or "auto"/],
  ['raise_max: {value: -1}', '3:24', /value: got -1; expected an integer/],
  ['raise_max: {}', '3:16', /^steps\[0\]\.raise_max\.value: missing; expected an integer 1-2147483647 or "auto"$/],
  ['raise_max:', '3:5', /raise_max\.value: missing; expected/],
  [
    'raise_max: {value: 1, vlaue: 2}',
    '3:27',
    /^steps\[0\]\.raise_max: unknown option "vlaue" \(did you mean "value"\?\); expected one of: value, per_cpu, min, allow_lower, max_memory_percent$/,
  ],
  ['raise_max: {value: 1, max_memory_percent: 0}', '3:47', /max_memory_percent: got 0; expected a number 1-100/],
  ['raise_max: {value: 1, allow_lower: "yes"}', '3:40', /allow_lower: got "yes"; expected true or false/],
  ['raise_max: 262144', '3:16', /^steps\[0\]\.raise_max: got 262144; expected a mapping with options: value, per_cpu/],
  ['check_count: {warn_above_percent: 120}', '3:39', /warn_above_percent: got 120; expected a number 0-100/],
  ['check_count: {fail_above_percent: -1}', '3:39', /fail_above_percent: got -1; expected a number 0-100/],
  [
    'check_count: {warn_above_percent: 90, fail_above_percent: 80}',
    '3:39',
    /90 is above fail_above_percent 80; expected warn_above_percent <= fail_above_percent/,
  ],
  [
    'set_hashsize: {value: max/0}',
    '3:27',
    /^steps\[0\]\.set_hashsize\.value: got "max\/0"; expected an integer 1-2147483647, "max" or "max\/N"$/,
  ],
  ['set_hashsize: {value: 0}', '3:27', /value: got 0; expected an integer 1-2147483647, "max" or "max\/N"/],
  [
    'set_timeouts: {tcp_timeout_established: 0}',
    '3:45',
    /tcp_timeout_established: got 0; expected an integer number of seconds 1-2147483$/,
  ],
  [
    'set_timeouts: {tcp_established: 5}',
    '3:20',
    /"tcp_established" is not a conntrack timeout name; expected lowercase \[a-z0-9_\] containing "timeout"/,
  ],
  ['set_timeouts: {TCP_timeout: 5}', '3:20', /"TCP_timeout" is not a conntrack timeout name/],
  [
    'set_timeouts: {udp_timeout: 5, nf_conntrack_udp_timeout: 6}',
    '3:36',
    /"nf_conntrack_udp_timeout" sets udp_timeout a second time; expected each timeout once/,
  ],
  [
    'set_timeouts:',
    '3:5',
    /^steps\[0\]\.set_timeouts: got an empty value; expected a mapping of at least one timeout name to seconds, e\.g\. tcp_timeout_established: 86400$/,
  ],
  ['set_timeouts: {}', '3:19', /got a mapping; expected a mapping of at least one timeout/],
  [
    'persist: {file: etc/sysctl.conf}',
    '3:21',
    /^steps\[0\]\.persist\.file: got "etc\/sysctl\.conf"; expected \/etc\/sysctl\.conf or NAME\.conf in \/etc\/sysctl\.d, /,
  ],
  ['persist: {sysctl_d: 1}', '3:25', /sysctl_d: got 1; expected true or false/],
  [
    'persist: {remove: [max, vm.swappiness]}',
    '3:29',
    /^steps\[0\]\.persist\.remove\[1\]: got "vm\.swappiness"; expected a conntrack knob: max, hashsize, a timeout name/,
  ],
  ['persist: {remove: [max, net.nf_conntrack_max]}', '3:29', /"net\.nf_conntrack_max" names max a second time/],
  ['persist: {remove: max}', '3:23', /remove: got "max"; expected a list of a conntrack knob/],
  ['unload_nat: {force: true}', '3:18', /^steps\[0\]\.unload_nat: unknown option "force"; expected no options$/],
  ['unload_nat: 1', '3:17', /unload_nat: got 1; expected no options/],
  // quoted numbers: refused, with the unquoted spelling when that would be valid
  [
    'raise_max: {value: "262144"}',
    '3:24',
    /^steps\[0\]\.raise_max\.value: got "262144"; expected an integer 1-2147483647 or "auto" \(numbers are written without quotes: 262144\)$/,
  ],
  ['raise_max: {value: "0"}', '3:24', /value: got "0"; expected an integer 1-2147483647 or "auto"$/],
  [
    'check_count: {warn_above_percent: "80.5"}',
    '3:39',
    /got "80\.5"; expected a number 0-100 \(numbers are written without quotes: 80\.5\)$/,
  ],
  [
    'set_timeouts: {udp_timeout: "30"}',
    '3:33',
    /udp_timeout: got "30"; expected an integer number of seconds 1-2147483 \(numbers are written without quotes: 30\)$/,
  ],
  // timeout names: a near miss of a name some kernel has is a typo; the spelling written (prefix or not) is kept
  [
    'set_timeouts: {tcp_timeout_establshed: 5}',
    '3:20',
    /^steps\[0\]\.set_timeouts\.tcp_timeout_establshed: "tcp_timeout_establshed" is not a conntrack timeout name \(did you mean "tcp_timeout_established"\?\)/,
  ],
  [
    'set_timeouts: {nf_conntrack_udp_timout: 5}',
    '3:20',
    /"nf_conntrack_udp_timout" is not a conntrack timeout name \(did you mean "nf_conntrack_udp_timeout"\?\)/,
  ],
  [
    'set_timeouts: {TCP_timeout_close: 5}',
    '3:20',
    /"TCP_timeout_close" is not a conntrack timeout name \(did you mean "tcp_timeout_close"\?\); expected lowercase/,
  ],
  ['check_count: {warn_above: 80}', '3:19', /unknown option "warn_above" \(did you mean "warn_above_percent"\?\)/],
];

// far from every known name: left to the host's own list (the planner refuses names this kernel lacks)
test('a timeout name far from every known one passes the offline check', () => {
  assert.deepEqual(optionsOf('set_timeouts: {quic_timeout_future: 30}'), { timeouts: { quic_timeout_future: 30 } });
});

for (const [step, at, message] of errors) {
  test(`"${step}" fails at pb.yaml:${at}`, () => {
    assertInputError(() => playbookFrom(yamlLines('hosts: all', 'steps:', `  - ${step}`)), `pb.yaml:${at}`, message);
  });
}
