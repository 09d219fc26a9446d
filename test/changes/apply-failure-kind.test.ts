/**
 * Why a change did not take, from the records a real apply script prints (apply.sh `failed I CODE TEXT`, `read …`):
 * the stderr texts are those dash, coreutils tee, kmod and busybox print (see src/remote/remote-error.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseApplyOutput, type ChangeFailureKind } from '../../src/changes/apply-output.js';
import { sha256OfState } from '../../src/changes/file-state.js';
import { makeKnobChange } from '../../src/changes/knob-change.js';
import type { Change } from '../../src/changes/change.js';
import { newRecordToken } from '../../src/remote/records.js';
import { textFile } from '../fixtures/steps/facts.js';

const token = newRecordToken();
const maxPath = '/proc/sys/net/netfilter/nf_conntrack_max';
const udpPath = '/proc/sys/net/netfilter/nf_conntrack_udp_timeout';
const hashsizePath = '/sys/module/nf_conntrack/parameters/hashsize';

const knob = (key: string, path: string, before: string, after: string): Change =>
  makeKnobChange({ key, path, before, after });
const maxChange = knob('net.netfilter.nf_conntrack_max', maxPath, '65536', '262144');
const udpChange = knob('net.netfilter.nf_conntrack_udp_timeout', udpPath, '30', '37');
const hashsizeChange = makeKnobChange({
  key: 'nf_conntrack.hashsize',
  path: hashsizePath,
  before: '16384',
  after: '65536',
  mirrors: [{ key: 'nf_conntrack_buckets', path: '/proc/sys/net/netfilter/nf_conntrack_buckets' }],
});
const written = textFile('net.netfilter.nf_conntrack_max = 262144\n');
const fileChange: Change = { kind: 'file', path: '/etc/sysctl.conf', before: null, after: written };
const unload: Change = { kind: 'module-unload', module: 'nf_nat' };
const load: Change = { kind: 'module-load', module: 'nf_conntrack' };

interface Case {
  name: string;
  change: Change;
  /** Records after the `@@cf TOKEN ` prefix, for change 0. */
  records: string[];
  kind: ChangeFailureKind | null;
}

const cases: Case[] = [
  {
    name: 'knob applied and read back as planned',
    change: maxChange,
    records: ['applied 0', 'read 0 knob value 262144'],
    kind: null,
  },
  {
    name: 'knob: tee says EINVAL (value out of range)',
    change: maxChange,
    records: [`failed 0 1 tee: ${maxPath}: Invalid argument`, 'read 0 knob value 65536'],
    kind: 'kernel-refused',
  },
  {
    name: 'knob: a read-only bind mount, dash wording (EROFS)',
    change: udpChange,
    records: [`failed 0 2 sh: 1: cannot create ${udpPath}: Read-only file system`, 'read 0 knob value 30'],
    kind: 'kernel-refused',
  },
  {
    name: 'knob: hashsize from a non-initial netns (EOPNOTSUPP)',
    change: hashsizeChange,
    records: [
      `failed 0 1 tee: ${hashsizePath}: Operation not supported`,
      'read 0 knob value 16384',
      'read 0 mirror.0 value 16384',
    ],
    kind: 'kernel-refused',
  },
  {
    name: 'knob: not root (EACCES)',
    change: maxChange,
    records: [`failed 0 2 sh: 1: cannot create ${maxPath}: Permission denied`, 'read 0 knob value 65536'],
    kind: 'kernel-refused',
  },
  {
    name: 'knob: busybox says nothing, only the status',
    change: maxChange,
    records: ['failed 0 1', 'read 0 knob value 65536'],
    kind: 'kernel-refused',
  },
  {
    name: 'knob: written, but buckets stopped mirroring hashsize',
    change: hashsizeChange,
    records: ['applied 0', 'read 0 knob value 65536', 'read 0 mirror.0 value 16384'],
    kind: 'verify-mismatch',
  },
  {
    name: 'knob: written, but gone when read back',
    change: maxChange,
    records: ['applied 0', 'read 0 knob absent'],
    kind: 'verify-mismatch',
  },
  {
    name: 'file: /etc/sysctl.conf immutable (chattr +i), mv refused',
    change: fileChange,
    records: [
      "failed 0 1 mv: cannot move '/etc/.conntrack-fleet.0123456789abcdef.1' to '/etc/sysctl.conf': Operation not permitted",
      'read 0 file absent',
    ],
    kind: 'apply',
  },
  {
    name: 'file: /etc mounted read-only',
    change: fileChange,
    records: [
      'failed 0 2 sh: 1: cannot create /etc/.conntrack-fleet.0123456789abcdef.1: Read-only file system',
      'read 0 file absent',
    ],
    kind: 'apply',
  },
  {
    name: 'file: written, but other bytes read back',
    change: fileChange,
    records: ['applied 0', `read 0 file value ${'0'.repeat(64)} 644 0 0`],
    kind: 'verify-mismatch',
  },
  {
    name: 'file: written and read back as planned',
    change: fileChange,
    records: ['applied 0', `read 0 file value ${sha256OfState(written)} 644 0 0`],
    kind: null,
  },
  {
    name: 'rmmod: kmod refuses a module in use',
    change: unload,
    records: ['failed 0 1 rmmod: ERROR: Module nf_nat is in use by: xt_MASQUERADE', 'read 0 module loaded'],
    kind: 'kernel-refused',
  },
  {
    name: 'rmmod: delete_module(2) says EBUSY',
    change: unload,
    records: [
      'failed 0 1 rmmod: ERROR: could not remove module nf_nat: Device or resource busy',
      'read 0 module loaded',
    ],
    kind: 'kernel-refused',
  },
  {
    name: 'rmmod: built into the kernel',
    change: unload,
    records: ['failed 0 1 rmmod: ERROR: Module nf_nat is builtin.', 'read 0 module loaded'],
    kind: 'kernel-refused',
  },
  {
    name: 'rmmod: busybox wording',
    change: unload,
    records: [
      "failed 0 1 rmmod: can't unload module 'nf_nat': Resource temporarily unavailable",
      'read 0 module loaded',
    ],
    kind: 'kernel-refused',
  },
  {
    name: 'modprobe: init_module(2) refused (modules_disabled=1: EPERM)',
    change: load,
    records: [
      "failed 0 1 modprobe: ERROR: could not insert 'nf_conntrack': Operation not permitted",
      'read 0 module unloaded',
    ],
    kind: 'kernel-refused',
  },
  {
    name: 'modprobe: no such module on disk (not the kernel: kmod found no file)',
    change: load,
    records: [
      'failed 0 1 modprobe: FATAL: Module nf_conntrack not found in directory /lib/modules/6.1.0-18-amd64',
      'read 0 module unloaded',
    ],
    kind: 'apply',
  },
  {
    name: 'modprobe: not installed',
    change: load,
    records: ['failed 0 127 sh: 1: modprobe: not found', 'read 0 module unloaded'],
    kind: 'apply',
  },
  {
    name: 'modprobe: loaded, but lsmod does not list it',
    change: load,
    records: ['applied 0', 'read 0 module unloaded'],
    kind: 'verify-mismatch',
  },
];

describe('parseApplyOutput: why a change did not take (failureKind)', () => {
  for (const c of cases) {
    it(`${c.name} → ${c.kind ?? 'none'}`, () => {
      const stdout = [...c.records, c.kind === null ? 'end ok' : 'end failed'].map((r) => `@@cf ${token} ${r}`);
      const [outcome] = parseApplyOutput(stdout.join('\n'), [c.change], token);
      assert.equal(outcome?.failureKind, c.kind, JSON.stringify(outcome?.mismatches));
    });
  }

  it('a change the script never reached has no failure kind (the step failed before it)', () => {
    const outcomes = parseApplyOutput(
      [`@@cf ${token} failed 0 1 tee: ${maxPath}: Invalid argument`, `@@cf ${token} end failed`].join('\n'),
      [maxChange, udpChange],
      token,
    );
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.failureKind]),
      [
        ['failed', 'kernel-refused'],
        ['not-run', null],
      ],
    );
  });
});
