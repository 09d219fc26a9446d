import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  findKnownHostsFile,
  findOptionFiles,
  findProxySetting,
  splitShellWords,
} from '../../src/inventory/ssh-args.js';

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

const proxies: Array<[string, unknown]> = [
  ['-o ProxyJump=bastion', { kind: 'jump', jumps: [{ host: 'bastion' }], source: '-o ProxyJump=bastion in args' }],
  [
    '-oProxyJump=ops@b:2,c',
    {
      kind: 'jump',
      jumps: [{ host: 'b', user: 'ops', port: 2 }, { host: 'c' }],
      source: '-o ProxyJump=ops@b:2,c in args',
    },
  ],
  [`-o 'proxyjump ops@b'`, { kind: 'jump', jumps: [{ host: 'b', user: 'ops' }], source: '-o proxyjump=ops@b in args' }],
  ['-o ProxyJump b', { kind: 'jump', jumps: [{ host: 'b' }], source: '-o ProxyJump=b in args' }],
  ['-J ops@b:2222', { kind: 'jump', jumps: [{ host: 'b', user: 'ops', port: 2222 }], source: '-J ops@b:2222 in args' }],
  ['-Jb', { kind: 'jump', jumps: [{ host: 'b' }], source: '-J b in args' }],
  ['-o ProxyJump=none', { kind: 'none', source: '-o ProxyJump=none in args' }],
  ['-J none', { kind: 'none', source: '-J none in args' }],
  [
    `-o 'ProxyCommand=ssh -W %h:%p b'`,
    { kind: 'command', command: 'ssh -W %h:%p b', source: '-o ProxyCommand=ssh -W %h:%p b in args' },
  ],
  ['-o ProxyCommand=none', { kind: 'none', source: '-o ProxyCommand=none in args' }],
  // ssh keeps the first value obtained, and ProxyJump vs ProxyCommand: whichever comes first
  ['-o ProxyJump=a -o ProxyJump=b', { kind: 'jump', jumps: [{ host: 'a' }], source: '-o ProxyJump=a in args' }],
  [
    `-o ProxyJump=a -o 'ProxyCommand=nc %h %p'`,
    { kind: 'jump', jumps: [{ host: 'a' }], source: '-o ProxyJump=a in args' },
  ],
  [
    `-o 'ProxyCommand=nc %h %p' -o ProxyJump=a`,
    { kind: 'command', command: 'nc %h %p', source: '-o ProxyCommand=nc %h %p in args' },
  ],
  ['-J a -o ProxyJump=b', { kind: 'jump', jumps: [{ host: 'a' }], source: '-J a in args' }],
  ['-o UserKnownHostsFile=/k', undefined],
  ['-o ProxyJumpX=b', undefined],
  // what ssh itself refuses
  ['-J a -J b', /-J b after -J a in args: ssh refuses more than one jump setting/],
  ['-o ProxyJump=a -J b', /-J b after -o ProxyJump=a in args/],
  ['-o ProxyCommand=none -J b', /-J b after -o ProxyCommand=none/],
  ['-J', /-J needs a \[user@\]host\[:port\] argument/],
  ['-o ProxyJump', /-o ProxyJump needs a value/],
  ['-J ops@', /ProxyJump "ops@" is not \[user@\]host\[:port\]/],
];

for (const [args, want] of proxies) {
  test(`proxy setting of ${JSON.stringify(args)}`, () => {
    const words = splitShellWords(args);
    assert.ok(Array.isArray(words));
    const got = findProxySetting(words, 'args');
    if (want instanceof RegExp) assert.match(String(got), want);
    else assert.deepEqual(got, want);
  });
}
