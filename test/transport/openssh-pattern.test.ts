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
    // literal patterns (no * or ?) take a plain comparison: brackets and dots are still literal, case still ignored
    ['[10.0.0.1]:2222', '[10.0.0.1]:2222', true],
    ['[10.0.0.1]:2222', '[10.0.0.1]:22', false],
    ['Web1.Example.COM', 'web1.EXAMPLE.com', true],
    ['web1', 'web', false],
    ['web', 'web1', false],
    // a wildcard pattern compiled once gives the same answer the next time
    ['web2.example.com', '*.example.com', true],
    ['web2.example.org', '*.example.com', false],
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
    ['HOST', ['x', 'host'], true],
    ['Bad.Example.com', ['*.example.com', '!bad.example.com'], false],
  ];
  for (const [name, patterns, expected] of cases) {
    assert.equal(matchHostPatternList(name, patterns), expected, `${name} in ${patterns.join(',')}`);
  }
});
