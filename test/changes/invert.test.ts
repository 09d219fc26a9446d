import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invertChange, invertChanges } from '../../src/changes/invert.js';
import { makeKnobChange } from '../../src/changes/knob-change.js';
import type { Change } from '../../src/changes/change.js';
import { textFile } from '../fixtures/steps/facts.js';

const hashsize = makeKnobChange({
  key: 'nf_conntrack.hashsize',
  path: '/sys/module/nf_conntrack/parameters/hashsize',
  before: '65536',
  after: '100000',
  accept: ['100352'],
  mirrors: [{ key: 'nf_conntrack_buckets', path: '/proc/sys/net/netfilter/nf_conntrack_buckets' }],
});

const changes: Change[] = [
  {
    kind: 'knob',
    key: 'nf_conntrack_max',
    path: '/proc/sys/net/netfilter/nf_conntrack_max',
    before: '65536',
    after: '262144',
  },
  hashsize,
  { kind: 'file', path: '/etc/sysctl.conf', before: textFile('a\n'), after: textFile('b\n', 0o600) },
  { kind: 'file', path: '/etc/modules-load.d/conntrack-fleet.conf', before: null, after: textFile('nf_conntrack\n') },
  { kind: 'module-unload', module: 'nf_nat' },
  { kind: 'module-load', module: 'nf_conntrack' },
];

describe('invertChanges', () => {
  it('reverses the order and inverts each change', () => {
    const undo = invertChanges(changes);
    assert.deepEqual(undo[0], { kind: 'module-unload', module: 'nf_conntrack' });
    assert.deepEqual(undo[1], { kind: 'module-load', module: 'nf_nat' });
    assert.deepEqual(undo[2], {
      kind: 'file',
      path: '/etc/modules-load.d/conntrack-fleet.conf',
      before: textFile('nf_conntrack\n'),
      after: null,
    });
    assert.deepEqual(undo[5], {
      kind: 'knob',
      key: 'nf_conntrack_max',
      path: '/proc/sys/net/netfilter/nf_conntrack_max',
      before: '262144',
      after: '65536',
    });
  });

  it('an inverted knob keeps its mirrors and expects the exact old value', () => {
    const inverse = invertChange(hashsize);
    assert.deepEqual(inverse, {
      kind: 'knob',
      key: 'nf_conntrack.hashsize',
      path: '/sys/module/nf_conntrack/parameters/hashsize',
      before: '100000',
      after: '65536',
      mirrors: [{ key: 'nf_conntrack_buckets', path: '/proc/sys/net/netfilter/nf_conntrack_buckets' }],
    });
  });

  it('round trip: inverting twice gives the changes back (rounding aside)', () => {
    const twice = invertChanges(invertChanges(changes));
    const withoutAccept = changes.map((c) => (c.kind === 'knob' ? { ...c, accept: undefined } : c));
    assert.deepEqual(JSON.parse(JSON.stringify(twice)), JSON.parse(JSON.stringify(withoutAccept)));
  });

  it('is pure: the input is untouched and survives JSON', () => {
    const copy = JSON.parse(JSON.stringify(changes));
    invertChanges(changes);
    assert.deepEqual(changes, copy);
    assert.deepEqual(invertChanges(copy), invertChanges(changes));
  });
});
