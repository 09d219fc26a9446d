import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256OfState } from '../../src/changes/file-state.js';
import { makeKnobChange } from '../../src/changes/knob-change.js';
import type { Change } from '../../src/changes/change.js';
import { verifyReadBack, type ReadBack } from '../../src/changes/verify.js';
import { textFile } from '../fixtures/steps/facts.js';

const hashsize = makeKnobChange({
  key: 'nf_conntrack.hashsize',
  path: '/h',
  before: '65536',
  after: '262144',
  accept: ['262144'],
  mirrors: [{ key: 'nf_conntrack_buckets', path: '/b' }],
});
const rounded = makeKnobChange({
  key: 'nf_conntrack.hashsize',
  path: '/h',
  before: '1',
  after: '1000',
  accept: ['1024'],
});
const knobRead = (value: string | null, mirror?: string | null): ReadBack => ({
  kind: 'knob',
  knob: { key: 'nf_conntrack.hashsize', path: '/h', value },
  mirrors: mirror === undefined ? [] : [{ key: 'nf_conntrack_buckets', path: '/b', value: mirror }],
});
const after = textFile('new\n', 0o644, 0, 0);
const fileChange: Change = { kind: 'file', path: '/etc/sysctl.conf', before: null, after };
const fileRead = (over: Partial<{ sha256: string; mode: number; uid: number; gid: number }> = {}): ReadBack => ({
  kind: 'file',
  state: { sha256: sha256OfState(after), mode: 0o644, uid: 0, gid: 0, ...over },
});

describe('verifyReadBack', () => {
  const cases: { name: string; change: Change; read: ReadBack | null; mismatches: string[] }[] = [
    { name: 'knob and mirror match', change: hashsize, read: knobRead('262144', '262144'), mismatches: [] },
    {
      name: 'mirror differs',
      change: hashsize,
      read: knobRead('262144', '65536'),
      mismatches: ['nf_conntrack_buckets read back 65536, expected 262144'],
    },
    {
      name: 'mirror missing from output',
      change: hashsize,
      read: knobRead('262144'),
      mismatches: ['1 mirror(s) not read back'],
    },
    { name: 'kernel rounding accepted', change: rounded, read: knobRead('1024'), mismatches: [] },
    {
      name: 'knob absent',
      change: rounded,
      read: knobRead(null),
      mismatches: ['nf_conntrack.hashsize read back nothing (absent), expected 1000 or 1024'],
    },
    { name: 'file matches', change: fileChange, read: fileRead(), mismatches: [] },
    {
      name: 'file mode differs',
      change: fileChange,
      read: fileRead({ mode: 0o600 }),
      mismatches: ['/etc/sysctl.conf mode 600, expected 644'],
    },
    {
      name: 'file owner differs',
      change: fileChange,
      read: fileRead({ uid: 1 }),
      mismatches: ['/etc/sysctl.conf owner 1:0, expected 0:0'],
    },
    {
      name: 'file content differs',
      change: fileChange,
      read: fileRead({ sha256: '0'.repeat(64) }),
      mismatches: [`/etc/sysctl.conf content sha256 000000000000…, expected ${sha256OfState(after).slice(0, 12)}…`],
    },
    {
      name: 'file should be gone',
      change: { kind: 'file', path: '/x', before: after, after: null },
      read: fileRead(),
      mismatches: ['/x still exists, expected absent'],
    },
    {
      name: 'file is gone',
      change: { kind: 'file', path: '/x', before: after, after: null },
      read: { kind: 'file', state: null },
      mismatches: [],
    },
    {
      name: 'module unloaded',
      change: { kind: 'module-unload', module: 'nf_nat' },
      read: { kind: 'module', loaded: false },
      mismatches: [],
    },
    {
      name: 'module still loaded',
      change: { kind: 'module-unload', module: 'nf_nat' },
      read: { kind: 'module', loaded: true },
      mismatches: ['nf_nat is still loaded'],
    },
    {
      name: 'module not loaded',
      change: { kind: 'module-load', module: 'nf_nat' },
      read: { kind: 'module', loaded: false },
      mismatches: ['nf_nat is not loaded'],
    },
    {
      name: 'lsmod unusable',
      change: { kind: 'module-load', module: 'nf_nat' },
      read: { kind: 'module', loaded: null, problem: 'no /proc/modules' },
      mismatches: ['nf_nat: could not tell whether it is loaded (no /proc/modules)'],
    },
    { name: 'nothing read back', change: fileChange, read: null, mismatches: ['nothing was read back'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = verifyReadBack(c.change, c.read);
      assert.deepEqual(result.mismatches, c.mismatches);
      assert.equal(result.matches, c.mismatches.length === 0);
    });
  }
});
