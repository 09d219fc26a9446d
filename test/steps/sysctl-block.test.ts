import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeSysctlKey } from '../../src/kernel/sysctl-keys.js';
import {
  blockBegin,
  blockEnd,
  disabledPrefix,
  parseAssignment,
  readBlockEntries,
  rewriteForeignText,
  rewriteSysctlText,
} from '../../src/steps/sysctl-block.js';

const max = 'net.netfilter.nf_conntrack_max';
const entries = [{ key: max, value: '262144' }];
const aliasKeys = ['net.nf_conntrack_max', 'net.ipv4.netfilter.ip_conntrack_max'];
const block = `${blockBegin}\n${max} = 262144\n${blockEnd}\n`;

function rewrite(text: string): string {
  const result = rewriteSysctlText({ text, entries, aliasKeys });
  if ('error' in result) throw new Error(result.error);
  return result.text;
}

describe('parseAssignment', () => {
  const cases: [string, string | null][] = [
    ['net.netfilter.nf_conntrack_max = 1', max],
    ['net.netfilter.nf_conntrack_max=1', max],
    ['  net/netfilter/nf_conntrack_max = 1', max],
    ['-net.netfilter.nf_conntrack_max = 1', max],
    ['# net.netfilter.nf_conntrack_max = 1', null],
    ['; net.netfilter.nf_conntrack_max = 1', null],
    ['', null],
    ['garbage', null],
  ];
  for (const [line, key] of cases) {
    it(JSON.stringify(line), () => assert.equal(parseAssignment(line)?.key ?? null, key));
  }
  it('keeps dots inside a slash-separated key as they are', () =>
    assert.equal(normalizeSysctlKey('net/ipv4/ip_forward'), 'net.ipv4.ip_forward'));
});

describe('rewriteSysctlText', () => {
  const cases = [
    { name: 'empty file', before: '', after: block },
    { name: 'appends after a blank line', before: 'kernel.panic = 10\n', after: `kernel.panic = 10\n\n${block}` },
    {
      name: 'adds the missing trailing newline only before the block',
      before: 'kernel.panic = 10',
      after: `kernel.panic = 10\n\n${block}`,
    },
    {
      name: 'comments out odd spellings and dead compat keys',
      before:
        'net.netfilter.nf_conntrack_max=1\n  net/netfilter/nf_conntrack_max = 1\nnet.ipv4.netfilter.ip_conntrack_max = 5\nnet.nf_conntrack_max=7\n',
      after:
        `${disabledPrefix}net.netfilter.nf_conntrack_max=1\n${disabledPrefix}  net/netfilter/nf_conntrack_max = 1\n` +
        `${disabledPrefix}net.ipv4.netfilter.ip_conntrack_max = 5\n${disabledPrefix}net.nf_conntrack_max=7\n\n${block}`,
    },
    {
      name: 'replaces the block in place and keeps a missing trailing newline after it',
      before: `a = 1\n${blockBegin}\n${max} = 5\n${blockEnd}\nb = 2`,
      after: `a = 1\n${block}b = 2`,
    },
    {
      name: 'drops a second block',
      before: `${blockBegin}\n${blockEnd}\nx = 1\n${blockBegin}\nfoo = 1\n${blockEnd}\n`,
      after: `${block}x = 1\n`,
    },
    {
      name: 'restores a line it disabled once the key is no longer managed',
      before: `${disabledPrefix}net.netfilter.nf_conntrack_udp_timeout = 5\n`,
      after: `net.netfilter.nf_conntrack_udp_timeout = 5\n\n${block}`,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(rewrite(c.before), c.after);
      assert.equal(rewrite(c.after), c.after, 'a second rewrite changes nothing');
    });
  }

  it('refuses a BEGIN marker without END instead of guessing', () => {
    const result = rewriteSysctlText({ text: `x = 1\n${blockBegin}\ny = 2\n`, entries, aliasKeys });
    assert.ok('error' in result);
    assert.match(result.error, /line 2: .* has no/);
  });

  it('keeps non-ASCII bytes untouched (latin1 round trip)', () => {
    const text = Buffer.from('# caf\u00e9 \u2603\nkernel.panic = 1\n', 'utf8').toString('latin1');
    assert.ok(rewrite(text).startsWith(text));
  });
});

describe('rewriteForeignText (a sysctl file that is not the target)', () => {
  const managed = (key: string) => key.includes('nf_conntrack_max');
  const cases = [
    {
      name: 'comments out the lines that would win',
      before: 'a = 1\nnet.netfilter.nf_conntrack_max = 5\n',
      lines: [2],
      after: `a = 1\n${disabledPrefix}net.netfilter.nf_conntrack_max = 5\n`,
    },
    {
      name: 'drops an old block whose keys moved to the target',
      before: `a = 1\n${blockBegin}\nnet.netfilter.nf_conntrack_max = 9\n${blockEnd}\n`,
      lines: [],
      after: 'a = 1\n',
    },
    {
      name: 'keeps a disabled line of a managed key',
      before: `${disabledPrefix}net.netfilter.nf_conntrack_max = 5`,
      lines: [],
      after: `${disabledPrefix}net.netfilter.nf_conntrack_max = 5`,
    },
    {
      name: 'restores a disabled line of a key no longer managed',
      before: `${disabledPrefix}net.netfilter.nf_conntrack_udp_timeout = 5\n`,
      lines: [],
      after: 'net.netfilter.nf_conntrack_udp_timeout = 5\n',
    },
  ];
  for (const c of cases) {
    it(c.name, () =>
      assert.deepEqual(rewriteForeignText({ text: c.before, disableLines: new Set(c.lines), isManaged: managed }), {
        text: c.after,
      }),
    );
  }

  it('reads the entries of every block', () => {
    assert.deepEqual(readBlockEntries(`${blockBegin}\n${max} = 1\n${blockEnd}\nx = 2\n`), [{ key: max, value: '1' }]);
    assert.ok('error' in (readBlockEntries(`${blockBegin}\n`) as object));
  });
});
