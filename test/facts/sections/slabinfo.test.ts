import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSlabObjectBytes } from '../../../src/facts/sections/slabinfo.js';
import { readFixture } from '../fixtures.js';

test('real /proc/slabinfo (6.18): objsize of nf_conntrack', () => {
  const text = readFixture('slabinfo.6.18.txt');
  assert.equal(parseSlabObjectBytes(text), 256);
  assert.equal(parseSlabObjectBytes(text, 'no_such_cache'), null);
});

const cases: Array<[string, string, number | null]> = [
  [
    'nf_conntrack_expect is not nf_conntrack',
    'nf_conntrack_expect 0 0 216 18 1 : tunables 0 0 0\nnf_conntrack 1 2 320 25 2 : tunables 0 0 0\n',
    320,
  ],
  ['no header: slabinfo 2.x column order', 'nf_conntrack 10 10 312 26 2\n', 312],
  ['header with another column order', '# name <objsize> <num_objs>\nnf_conntrack 384 9\n', 384],
  ['unreadable junk', 'slabinfo - version: 2.1\nnf_conntrack x y z\n', null],
  ['empty', '', null],
];

for (const [name, text, expected] of cases) {
  test(name, () => assert.equal(parseSlabObjectBytes(text), expected));
}
