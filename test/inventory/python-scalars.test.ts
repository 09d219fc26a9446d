/** python-scalars.ts: each reader starts at an offset inside a larger text and says where its literal ends. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readNumber, readString, startsString } from '../../src/inventory/python-scalars.js';

describe('readNumber', () => {
  const cases: Array<[string, number, { value: number; end: number } | null]> = [
    ['[12, 3]', 1, { value: 12, end: 3 }],
    ['x=0x1F,', 2, { value: 31, end: 6 }],
    ['1_000.5e1]', 0, { value: 10005, end: 9 }],
    ['0123', 0, null], // leading zeros: not a Python int
    ['12abc', 0, null], // a number runs into a name
    ['abc', 0, null],
  ];
  for (const [text, at, expected] of cases)
    it(`${JSON.stringify(text)} at ${at}`, () => assert.deepEqual(readNumber(text, at), expected));
});

describe('readString', () => {
  const cases: Array<[string, number, { value: string; end: number } | null]> = [
    ["['a b', 1]", 1, { value: 'a b', end: 6 }],
    ['"""x"y"""!', 0, { value: 'x"y', end: 9 }],
    ["r'\\d' ", 0, { value: '\\d', end: 5 }],
    ["'\\x41\\u00e9\\n'", 0, { value: 'A\u00e9\n', end: 14 }],
    ["'\\U00110000'", 0, null], // past U+10FFFF
    ["f'{x}'", 0, null], // an f-string is an expression, not a literal
    ["'no end", 0, null],
    ["'a\nb'", 0, null], // a single-quoted string ends at its line
  ];
  for (const [text, at, expected] of cases)
    it(`${JSON.stringify(text)} at ${at}`, () => assert.deepEqual(readString(text, at), expected));

  it('startsString sees prefixes and both quotes, nothing else', () => {
    assert.deepEqual(
      ["'a'", 'b"a"', 'Rb"a"', 'rub"a"', 'x"a"', '1'].map((text) => startsString(text, 0)),
      [true, true, true, false, false, false],
    );
  });
});
