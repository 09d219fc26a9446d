import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMemTotalBytes } from '../../src/facts/parse-meminfo.js';
import { readFixture } from './fixtures.js';

test('real /proc/meminfo (6.18)', () => {
  assert.equal(parseMemTotalBytes(readFixture('meminfo.6.18.txt')), 24684084 * 1024);
});

const cases: Array<[string, number | null]> = [
  ['MemTotal:        2014352 kB\n', 2014352 * 1024],
  ['MemFree: 1 kB\nMemTotal: 4 kB', 4096],
  ['MemTotal: lots\n', null],
  ['MemTotal: 5 parsecs\n', null],
  ['', null],
];

for (const [text, expected] of cases) {
  test(`meminfo ${JSON.stringify(text)}`, () => assert.equal(parseMemTotalBytes(text), expected));
}
