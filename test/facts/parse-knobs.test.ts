import assert from 'node:assert/strict';
import { test } from 'node:test';
import { knobAt, knobNumber, parseKnobLines } from '../../src/facts/parse-knobs.js';

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
  assert.deepEqual(knobAt(knobs, '/proc/sys/net/netfilter/nf_conntrack_max'), { path: '/proc/sys/net/netfilter/nf_conntrack_max', value: '262144', writable: true });
  assert.deepEqual(knobAt(knobs, '/proc/sys/net/netfilter/nf_conntrack_buckets'), { path: '/proc/sys/net/netfilter/nf_conntrack_buckets', value: '65536', writable: false });
  assert.equal(knobAt(knobs, '/proc/sys/net/nf_conntrack_max').value, null);
  assert.equal(knobAt(knobs, '/sys/module/nf_conntrack/parameters/hashsize').value, null, 'exists but unreadable');
  assert.deepEqual(knobAt(knobs, '/never/mentioned'), { path: '/never/mentioned', value: null, writable: false });
});

const numbers: Array<[string | null, number | null]> = [['262144', 262144], ['', null], [null, null], ['12 34', null], ['-1', null]];
for (const [value, expected] of numbers) {
  test(`knobNumber(${JSON.stringify(value)})`, () => assert.equal(knobNumber({ path: '/x', value, writable: false }), expected));
}
