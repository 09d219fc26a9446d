import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findKnownHostsFile, findOptionFiles, splitShellWords } from '../../src/inventory/ssh-args.js';

const splits: Array<[string, string[] | string]> = [
  ['-o A=1  -o B=2', ['-o', 'A=1', '-o', 'B=2']],
  [`-o 'UserKnownHostsFile /a b'`, ['-o', 'UserKnownHostsFile /a b']],
  ['-o "X=\\"q\\"" a\\ b', ['-o', 'X="q"', 'a b']],
  [`a''b ""`, ['ab', '']],
  ['', []],
  [`-o 'open`, "unterminated ' quote"],
];

for (const [text, want] of splits) {
  test(`split ${JSON.stringify(text)}`, () => assert.deepEqual(splitShellWords(text), want));
}

const knownHosts: Array<[string, string | undefined]> = [
  ['-o UserKnownHostsFile=/k/a', '/k/a'],
  ['-oUserKnownHostsFile=/k/b', '/k/b'],
  ['-o UserKnownHostsFile /k/c', '/k/c'],
  [`-o 'UserKnownHostsFile /k/d'`, '/k/d'],
  ['-o userknownhostsfile=/k/e', '/k/e'], // ssh option names are case-insensitive
  ['-o StrictHostKeyChecking=yes -o UserKnownHostsFile=/k/f -o UserKnownHostsFile=/k/g', '/k/f'], // ssh keeps the first
  [`-o 'UserKnownHostsFile=/k/h /k/i'`, '/k/h'],
  ['-o ProxyJump=bastion', undefined],
  ['-o', undefined],
];

for (const [args, want] of knownHosts) {
  test(`known hosts file of ${JSON.stringify(args)} is ${want}`, () => {
    const words = splitShellWords(args);
    assert.ok(Array.isArray(words));
    assert.equal(findKnownHostsFile(words), want);
  });
}

const optionFiles: Array<[string, 'UserKnownHostsFile' | 'GlobalKnownHostsFile', string[] | undefined]> = [
  [`-o 'UserKnownHostsFile=/k/h /k/i'`, 'UserKnownHostsFile', ['/k/h', '/k/i']],
  ['-o GlobalKnownHostsFile=/g/a', 'GlobalKnownHostsFile', ['/g/a']],
  [`-oGlobalKnownHostsFile='/g/a /g/b' -o GlobalKnownHostsFile=/g/c`, 'GlobalKnownHostsFile', ['/g/a', '/g/b']],
  ['-o GlobalKnownHostsFile /g/d', 'GlobalKnownHostsFile', ['/g/d']],
  ['-o globalknownhostsfile=none', 'GlobalKnownHostsFile', ['none']],
  ['-o UserKnownHostsFile=/k/a', 'GlobalKnownHostsFile', undefined],
  ['-o GlobalKnownHostsFile=', 'GlobalKnownHostsFile', undefined],
];

for (const [args, keyword, want] of optionFiles) {
  test(`${keyword} files of ${JSON.stringify(args)}`, () => {
    const words = splitShellWords(args);
    assert.ok(Array.isArray(words));
    assert.deepEqual(findOptionFiles(words, keyword), want);
  });
}
