import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readBytesText } from '../../src/changes/file-state.js';
import type { BootFile } from '../../src/facts/types.js';
import { findHashsizeLines, parseConntrackOptions, rewriteModprobeText } from '../../src/steps/module-files.js';
import { planModprobeBoot } from '../../src/steps/persist-modprobe.js';
import { disabledPrefix } from '../../src/steps/sysctl-block.js';
import { bootFile } from '../fixtures/steps/facts.js';

describe('modprobe.d options lines for nf_conntrack', () => {
  const cases: [string, ReturnType<typeof parseConntrackOptions>][] = [
    ['options nf_conntrack hashsize=1', { others: [], hashsize: '1' }],
    [
      '  options\tnf-conntrack expect_hashsize=2 hashsize=3 hashsize=4',
      { others: ['expect_hashsize=2'], hashsize: '4' },
    ],
    ['options nf_conntrack expect_hashsize=2', { others: ['expect_hashsize=2'], hashsize: null }],
    ['options nf_conntrack_ipv4 hashsize=1', null],
    ['# options nf_conntrack hashsize=1', null],
  ];
  for (const [line, want] of cases) it(line, () => assert.deepEqual(parseConntrackOptions(line), want));

  it('finds lines that set another hashsize', () => {
    const text = 'options nf_conntrack hashsize=65536\n# x\noptions nf_conntrack hashsize=5\n';
    assert.deepEqual(findHashsizeLines(text, 65536), [{ line: 3, value: '5' }]);
  });

  it('comments a line out keeping its other options, and restores it exactly', () => {
    const text = 'blacklist x\noptions nf_conntrack expect_hashsize=262144 hashsize=262144\n';
    const neutral = rewriteModprobeText(text, new Set([2]));
    assert.equal(
      neutral,
      'blacklist x\n# conntrack-fleet disabled: options nf_conntrack expect_hashsize=262144 hashsize=262144\noptions nf_conntrack expect_hashsize=262144\n',
    );
    assert.deepEqual(findHashsizeLines(neutral, 65536), []);
    assert.equal(rewriteModprobeText(neutral, new Set(), true), text);
  });

  it('a line continued with a backslash is one line to kmod: its hashsize is found on the line it starts on', () => {
    const text =
      'options nf_conntrack expect_hashsize=1024 \\\n   hashsize=16384\noptions nf_conntrack \\\nhashsize=5\n';
    assert.deepEqual(findHashsizeLines(text, 65536), [
      { line: 1, value: '16384' },
      { line: 3, value: '5' },
    ]);
  });

  it('comments out every line a continued line spans, and restores it exactly', () => {
    const text = 'options nf_conntrack expect_hashsize=1024 \\\n   hashsize=16384\n';
    const neutral = rewriteModprobeText(text, new Set([1]));
    assert.equal(
      neutral,
      '# conntrack-fleet disabled: options nf_conntrack expect_hashsize=1024 \\\n   hashsize=16384\noptions nf_conntrack expect_hashsize=1024\n',
    );
    assert.deepEqual(findHashsizeLines(neutral, 65536), []);
    assert.equal(rewriteModprobeText(neutral, new Set(), true), text);
  });
});

describe('the hashsize kmod passes at boot: the last hashsize= of the last file read (modprobe.d(5))', () => {
  const ours = 65536;
  const etc = (name: string, text: string) => bootFile(`/etc/modprobe.d/${name}`, { text });
  const run = (name: string, text: string) => bootFile(`/run/modprobe.d/${name}`, { text });
  const options = (...sizes: number[]) => `options nf_conntrack ${sizes.map((s) => `hashsize=${s}`).join(' ')}\n`;
  const cases: { name: string; files: BootFile[]; disabled?: string[]; notes?: RegExp[]; refusal?: RegExp }[] = [
    {
      name: 'the same option twice in one file: the later line is named, both are commented out',
      files: [etc('nf_conntrack.conf', `${options(5)}# x\n${options(7)}`)],
      disabled: ['/etc/modprobe.d/nf_conntrack.conf:1', '/etc/modprobe.d/nf_conntrack.conf:3'],
      notes: [
        /^\/etc\/modprobe\.d\/nf_conntrack\.conf:1 sets nf_conntrack hashsize=5 .*; \/etc\/modprobe\.d\/nf_conntrack\.conf:3 sets it later, and without that line it would win over 65536: commented out$/,
        /^\/etc\/modprobe\.d\/nf_conntrack\.conf:3 sets nf_conntrack hashsize=7 and is read after .*, so it wins over 65536: commented out$/,
      ],
    },
    {
      name: 'the later line of a file sets our value: kmod passes ours last, nothing changes',
      files: [etc('nf_conntrack.conf', `${options(5)}${options(ours)}`)],
      disabled: [],
    },
    {
      name: 'one line with two hashsize=: the last one counts',
      files: [etc('nf_conntrack.conf', options(5, ours))],
      disabled: [],
    },
    {
      name: 'two later files: the last file read is named, whatever its line number',
      files: [etc('nf_conntrack.conf', `#\n#\n${options(5)}`), etc('zz.conf', options(7))],
      disabled: ['/etc/modprobe.d/nf_conntrack.conf:3', '/etc/modprobe.d/zz.conf:1'],
      notes: [
        /^\/etc\/modprobe\.d\/nf_conntrack\.conf:3 .*; \/etc\/modprobe\.d\/zz\.conf:1 sets it later/,
        /^\/etc\/modprobe\.d\/zz\.conf:1 .*, so it wins over 65536/,
      ],
    },
    {
      name: 'a continued options line in a later file: named by the line it starts on and commented out',
      files: [etc('zz-local.conf', 'options nf_conntrack expect_hashsize=1024 \\\n   hashsize=16384\n')],
      disabled: ['/etc/modprobe.d/zz-local.conf:1'],
      notes: [/^\/etc\/modprobe\.d\/zz-local\.conf:1 sets nf_conntrack hashsize=16384 .*, so it wins over 65536/],
    },
    {
      name: 'a file before ours loses anyway',
      files: [etc('a-early.conf', options(5))],
      disabled: [],
    },
    {
      name: 'a /run line that wins is refused as the winner',
      files: [etc('nf_conntrack.conf', options(5)), run('zz.conf', options(7))],
      refusal:
        /^\/run\/modprobe\.d\/zz\.conf:1 sets nf_conntrack hashsize=7 .*, so it wins over 65536; it is not under \/etc/,
    },
    {
      name: 'a /run line that a later /etc line overrides is refused: commenting out the /etc line would let it win',
      files: [run('nf_conntrack.conf', options(5)), etc('zz.conf', options(7))],
      refusal:
        /^\/run\/modprobe\.d\/nf_conntrack\.conf:1 sets nf_conntrack hashsize=5 .*; \/etc\/modprobe\.d\/zz\.conf:1 sets it later, and without that line it would win over 65536; it is not under \/etc/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const fix = planModprobeBoot(
        { init: 'systemd', compatSysctls: false, cmdlineHashsize: null, files: c.files },
        ours,
      );
      if (c.refusal) {
        assert.match(fix.refusal ?? '', c.refusal);
        assert.deepEqual(fix.changes, []);
        return;
      }
      assert.equal(fix.refusal, undefined);
      const disabled = fix.changes.flatMap((change) => {
        if (change.kind !== 'file' || !change.after) return [];
        return readBytesText(change.after)
          .split('\n')
          .flatMap((l, i) => (l.startsWith(disabledPrefix) ? [`${change.path}:${i + 1}`] : []));
      });
      assert.deepEqual(disabled, c.disabled);
      assert.equal(fix.notes.length, c.disabled?.length, fix.notes.join('\n'));
      (c.notes ?? []).forEach((note, i) => assert.match(fix.notes[i] ?? '', note));
    });
  }
});
