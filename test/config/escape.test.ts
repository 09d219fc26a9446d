import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeControl, escapeControlLines, escapeOutput, hasControl, stringifyJson } from '../../src/config/escape.js';

describe('escapeControl: control characters shown, never sent', () => {
  const cases: Array<[string, string]> = [
    ['web1', 'web1'],
    ['a\nb', 'a\\nb'],
    ['a\r\tb', 'a\\r\\tb'],
    ['\u001b[2J\u001b[H', '\\e[2J\\e[H'],
    ['x\u0007y\u0000', 'x\\x07y\\x00'],
    ['del\u007f', 'del\\x7f'],
    ['csi\u009b31m', 'csi\\x9b31m'],
    ['line\u2028sep', 'line\\u2028sep'],
    ['bücher ✓', 'bücher ✓'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      assert.equal(escapeControl(input), expected);
      assert.equal(hasControl(input), input !== expected);
    });
  }
  it('escapeControlLines keeps the line breaks it was given', () => {
    assert.equal(escapeControlLines('one\u001b\ntwo\r'), 'one\\e\ntwo\\r');
  });
});

describe('escapeOutput: painted reporter text keeps its colours, lines and tabs, nothing else', () => {
  const cases: Array<[string, string]> = [
    ['\u001b[31mred\u001b[39m\n\tnext', '\u001b[31mred\u001b[39m\n\tnext'],
    ['clear\u001b[2Jscreen', 'clear\\e[2Jscreen'],
    ['title\u001b]0;pwned\u0007', 'title\\e]0;pwned\\x07'],
    ['over\rwrite', 'over\\rwrite'],
    ['csi\u009b2J', 'csi\\x9b2J'],
  ];
  for (const [input, expected] of cases)
    it(`${JSON.stringify(input)}`, () => assert.equal(escapeOutput(input), expected));
});

describe('stringifyJson: no raw C1 control in JSON output, same value when parsed', () => {
  it('escapes DEL, C1 and line separators as \\uXXXX', () => {
    const value = { host: 'a\u009b2J\u007f\u2028\u001b', n: 1 };
    const text = stringifyJson(value);
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
    assert.deepEqual(JSON.parse(text), value);
  });
});
