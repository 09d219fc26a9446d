import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fit } from '../../src/report/watch-frame.js';

const cases: Array<[string, number, string]> = [
  ['abc', 4, 'abc'],
  ['abcdef', 4, 'abc…'],
  ['h1  ██░░ 20%', 6, 'h1  █…'], // code points, not UTF-16 units
  // colour kept (a cut no longer drops the whole line's colour), not counted, closed by a reset
  ['\x1b[31mhello world\x1b[39m tail', 8, '\x1b[31mhello w\x1b[39m…\x1b[0m'],
  ['\x1b[2mab\x1b[22m', 2, '\x1b[2mab\x1b[22m'],
];
for (const [line, width, want] of cases)
  test(`fit(${JSON.stringify(line)}, ${width})`, () => assert.equal(fit(line, width), want));
