import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  escapeControl,
  escapeControlLines,
  escapeMessage,
  escapeOutput,
  hasControl,
  stringifyJson,
} from '../../src/config/escape.js';

describe('the one escape rule: \\t \\n \\r named, other C0/C1 controls and DEL as \\xNN', () => {
  // [input, escapeControl (a value: backslash doubled), escapeMessage (a composed message: backslash kept)]
  const cases: Array<[string, string, string]> = [
    ['web1', 'web1', 'web1'],
    ['a\nb', 'a\\nb', 'a\\nb'],
    ['a\r\tb', 'a\\r\\tb', 'a\\r\\tb'],
    ['\u001b[2J\u001b[H', '\\x1b[2J\\x1b[H', '\\x1b[2J\\x1b[H'],
    ['x\u0007y\u0000', 'x\\x07y\\x00', 'x\\x07y\\x00'],
    ['\u000b\u000c\u001f', '\\x0b\\x0c\\x1f', '\\x0b\\x0c\\x1f'],
    ['del\u007f', 'del\\x7f', 'del\\x7f'],
    ['csi\u009b31m \u0080\u009f', 'csi\\x9b31m \\x80\\x9f', 'csi\\x9b31m \\x80\\x9f'],
    ['line\u2028sep\u2029', 'line\\u2028sep\\u2029', 'line\\u2028sep\\u2029'],
    ['bücher ✓ \u00a0', 'bücher ✓ \u00a0', 'bücher ✓ \u00a0'],
    // bidirectional overrides and isolates reorder the rest of the line (Trojan Source, CVE-2021-42574)
    ['w\u202eeb', 'w\\u202eeb', 'w\\u202eeb'],
    ['\u2066a\u2069\u200e\u200f\u061c', '\\u2066a\\u2069\\u200e\\u200f\\u061c', '\\u2066a\\u2069\\u200e\\u200f\\u061c'],
    ['\u202a\u202b\u202c\u202d', '\\u202a\\u202b\\u202c\\u202d', '\\u202a\\u202b\\u202c\\u202d'],
    // Arabic and Hebrew text itself is kept: only the invisible formatting characters are shown
    ['שלום مرحبا', 'שלום مرحبا', 'שלום مرحبا'],
    // a literal backslash-n in a value must not read as an escaped newline
    ['a\\nb', 'a\\\\nb', 'a\\nb'],
    ['C:\\x1b', 'C:\\\\x1b', 'C:\\x1b'],
    ['\\\n', '\\\\\\n', '\\\\n'],
  ];
  for (const [input, value, message] of cases) {
    it(`${JSON.stringify(input)} → ${value} (value), ${message} (message)`, () => {
      assert.equal(escapeControl(input), value);
      assert.equal(escapeMessage(input), message);
      assert.equal(hasControl(input), input !== message);
    });
  }
  it('escapeMessage is idempotent: parts escaped before are not escaped twice', () => {
    const part = escapeControl('web\u001b1\\');
    assert.equal(escapeMessage(`host ${part}: refused\r`), 'host web\\x1b1\\\\: refused\\r');
  });
  it('escapeControlLines keeps the line breaks it was given', () => {
    assert.equal(escapeControlLines('one\u001b\ntwo\r'), 'one\\x1b\ntwo\\r');
  });
});

describe('escapeOutput: painted reporter text keeps its colours, lines and tabs, nothing else', () => {
  const cases: Array<[string, string]> = [
    ['\u001b[31mred\u001b[39m\n\tnext', '\u001b[31mred\u001b[39m\n\tnext'],
    ['clear\u001b[2Jscreen', 'clear\\x1b[2Jscreen'],
    ['title\u001b]0;pwned\u0007', 'title\\x1b]0;pwned\\x07'],
    ['over\rwrite', 'over\\rwrite'],
    ['csi\u009b2J', 'csi\\x9b2J'],
    ['kept\\x1b', 'kept\\x1b'],
    ['step \u202edrowssap', 'step \\u202edrowssap'],
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
  it('escapes the bidirectional formatting characters as \\uXXXX too', () => {
    const value = { host: 'w\u202eeb\u2066\u200f' };
    const text = stringifyJson(value);
    assert.doesNotMatch(text, /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    assert.match(text, /w\\u202eeb\\u2066\\u200f/);
    assert.deepEqual(JSON.parse(text), value);
  });
});
