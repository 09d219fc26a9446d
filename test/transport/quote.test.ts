import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { quoteShell, sh } from '../../src/transport/quote.js';

test('sh`…` quotes every value and keeps the literal parts', () => {
  const cases: [string, string][] = [
    [sh`rm ${'/etc/sysctl.d/99-x.conf'}`, 'rm /etc/sysctl.d/99-x.conf'],
    [
      sh`echo ${65536} > ${'/proc/sys/net/netfilter/nf_conntrack_max'}`,
      'echo 65536 > /proc/sys/net/netfilter/nf_conntrack_max',
    ],
    [sh`rm ${'/tmp/a b; reboot'}`, "rm '/tmp/a b; reboot'"],
    [sh`ln -sfn ${"it's"} ${'$(id)'}`, `ln -sfn 'it'\\''s' '$(id)'`],
    [sh`no values`, 'no values'],
  ];
  for (const [got, expected] of cases) assert.equal(got, expected);
});

test('a value through sh`…` reaches a real shell as one argument, byte for byte', () => {
  const value = `a b'c"d$HOME\`id\`\\ é\n;|&`;
  const out = execFileSync('sh', ['-c', sh`printf '%s' ${value}`]).toString();
  assert.equal(out, value);
  assert.throws(() => quoteShell('nul\0byte'), /NUL/);
});
