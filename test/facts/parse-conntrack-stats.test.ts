import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConntrackStats } from '../../src/facts/parse-conntrack-stats.js';
import { readFixture } from './fixtures.js';

test('6.18, 2 CPUs (real): every column, entries not multiplied by the CPU count', () => {
  const stats = parseConntrackStats(readFixture('stat-nf_conntrack.6.18-2cpu.txt'));
  assert.ok(stats);
  assert.deepEqual(Object.keys(stats.all), [
    'entries',
    'clashres',
    'found',
    'new',
    'invalid',
    'ignore',
    'delete',
    'chainlength',
    'insert',
    'insert_failed',
    'drop',
    'early_drop',
    'icmp_error',
    'expect_new',
    'expect_create',
    'expect_delete',
    'search_restart',
  ]);
  assert.equal(stats.all['entries'], 0x18);
  assert.equal(stats.drop, 0);
});

test('4.19, 4 CPUs (old column set): hex values summed per column', () => {
  const stats = parseConntrackStats(readFixture('stat-nf_conntrack.4.19-4cpu-handwritten.txt'));
  assert.ok(stats);
  assert.equal(stats.all['entries'], 0xa3f1);
  assert.equal(stats.drop, 5 + 2 + 0 + 1);
  assert.equal(stats.insert_failed, 3 + 1 + 0 + 2);
  assert.equal(stats.early_drop, 1);
  assert.equal(stats.all['icmp_error'], 0x17 + 0x09 + 0x0e + 0x0b);
  assert.equal(stats.all['search_restart'], 0x1c + 0x13 + 0x11 + 0x15);
  assert.ok('delete_list' in stats.all && !('clashres' in stats.all));
});

const odd: Array<{ name: string; text: string; expected: null | Record<string, number> }> = [
  { name: 'empty', text: '', expected: null },
  { name: 'header only', text: 'entries found drop\n', expected: null },
  { name: 'rows without header', text: '00000001 00000002\n', expected: null },
  {
    name: 'bad rows skipped, a future column kept',
    text: 'entries drop future_col\n00000001 00000002 00000003\nnot hex at all\n00000001 00000002\nffffffff zz 1\n00000001 0000000a 00000001\n',
    expected: { entries: 1, drop: 12, future_col: 4 },
  },
];

for (const { name, text, expected } of odd) {
  test(`odd input: ${name}`, () => {
    const stats = parseConntrackStats(text);
    if (expected === null) assert.equal(stats, null);
    else assert.deepEqual(stats?.all, expected);
  });
}
