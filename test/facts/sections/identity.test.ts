import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMemTotalBytes, readCpus } from '../../../src/facts/sections/identity.js';
import { readFixture } from '../fixtures.js';
import { frameOf, gatherFixture } from '../gather-fixture.js';

const g = gatherFixture();

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

test('cpus: a number, else 1 and a problem', () => {
  assert.equal(readCpus(frameOf([g.value('cpus', 8)]).values, []), 8);
  const problems: string[] = [];
  assert.equal(readCpus(frameOf([g.value('cpus', '')]).values, problems), 1);
  assert.equal(problems.length, 1);
});
