import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchGlob, matchHostPatternList } from '../../src/transport/openssh-pattern.js';

test('matchGlob: * and ? wildcards, case-insensitive, regex characters literal', () => {
  const cases: [string, string, boolean][] = [
    ['web1.example.com', '*.example.com', true],
    ['example.com', '*.example.com', false],
    ['10.0.0.7', '10.0.0.?', true],
    ['10.0.0.17', '10.0.0.?', false],
    ['WEB1.example.com', 'web?.EXAMPLE.com', true],
    ['10x0x0x7', '10.0.0.7', false],
    ['[host]:2222', '[*]:2222', true],
    ['[host]:22', '[*]:2222', false],
    ['a+b', 'a+b', true],
    ['anything', '*', true],
  ];
  for (const [text, pattern, expected] of cases)
    assert.equal(matchGlob(text, pattern), expected, `${text} ~ ${pattern}`);
});

test('matchHostPatternList: negation wins over any positive match', () => {
  const cases: [string, string[], boolean][] = [
    ['good.example.com', ['*.example.com', '!bad.example.com'], true],
    ['bad.example.com', ['*.example.com', '!bad.example.com'], false],
    ['bad.example.com', ['!bad.example.com', '*.example.com'], false],
    ['other.org', ['*.example.com', '!bad.example.com'], false],
    ['host', ['!other'], false],
    ['host', [''], false],
    ['host', ['x', 'host'], true],
  ];
  for (const [name, patterns, expected] of cases) {
    assert.equal(matchHostPatternList(name, patterns), expected, `${name} in ${patterns.join(',')}`);
  }
});
