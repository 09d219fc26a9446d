import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pythonLiteral } from '../../src/inventory/python-literal.js';

// Expected values are what Ansible's ini.py _parse_value (ast.literal_eval, then its coercions) gives.
const cases: Array<[string, unknown]> = [
  ['2222', 2222],
  ['-3', -3],
  ['- 3', -3],
  ['--5', '--5'],
  ['-True', '-True'],
  ['1_000', 1000],
  ['0x1F', 31],
  ['1.5', 1.5],
  ['1e3', 1000],
  ['0022', '0022'], // Python refuses leading zeros: the text is kept
  ['00', 0],
  ['10.0.0.1', '10.0.0.1'],
  ['True', true],
  ['False', false],
  ['None', null],
  ['true', 'true'], // not a Python name: stays text
  ['yes', 'yes'],
  ["'a b'", 'a b'],
  ['"x"', 'x'],
  ['"a" \'b\'', 'ab'],
  ['"\\t\\x41\\d"', '\tA\\d'],
  ["r'\\d'", '\\d'],
  ['[1, "two", None,]', [1, 'two', null]],
  ['(1,)', [1]],
  ['(1)', 1],
  ['{1, 2}', [1, 2]],
  ['{\'a\': 1, "b": [True]}', { a: 1, b: [true] }],
  ['{}', {}],
  ['True # a comment', true],
  ['hello # a comment', 'hello # a comment'],
  ['3j', '3j'],
  ['...', '...'],
  ['[1 2]', '[1 2]'],
  ['"unterminated', '"unterminated'],
  ["f'x'", "f'x'"],
  ['', ''],
];

for (const [text, want] of cases) {
  test(`literal_eval ${JSON.stringify(text)}`, () => assert.deepEqual(pythonLiteral(text), want));
}
