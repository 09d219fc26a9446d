import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeChange } from '../../src/changes/describe.js';
import type { Change } from '../../src/changes/change.js';
import { textFile } from '../fixtures/steps/facts.js';

describe('describeChange', () => {
  const cases: [Change, string][] = [
    [
      { kind: 'knob', key: 'nf_conntrack_max', path: '/x', before: '65536', after: '262144' },
      'nf_conntrack_max 65536 → 262144',
    ],
    [{ kind: 'module-unload', module: 'nf_nat' }, 'rmmod nf_nat'],
    [{ kind: 'module-load', module: 'nf_nat' }, 'modprobe nf_nat'],
    [
      { kind: 'file', path: '/etc/sysctl.conf', before: textFile('a\nb\nc\nd\n'), after: textFile('a\nB\nC\nd\nE\n') },
      '/etc/sysctl.conf: 3 lines changed',
    ],
    [{ kind: 'file', path: '/etc/x.conf', before: null, after: textFile('1\n2\n') }, '/etc/x.conf: created (2 lines)'],
    [{ kind: 'file', path: '/etc/x.conf', before: textFile('1\n'), after: null }, '/etc/x.conf: removed'],
    [
      { kind: 'file', path: '/etc/x.conf', before: textFile('1\n'), after: textFile('1\n', 0o600, 0, 4) },
      '/etc/x.conf: mode 644 → 600, owner 0:0 → 0:4',
    ],
  ];
  for (const [change, want] of cases) it(want, () => assert.equal(describeChange(change), want));
});
