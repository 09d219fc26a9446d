import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { countChangedLines, diffFile, diffLines } from '../../src/changes/diff.js';
import { textFile } from '../fixtures/steps/facts.js';

describe('diffFile', () => {
  it('prints a unified diff with context', () => {
    const before = textFile('1\n2\n3\n4\n5\n6\n7\n8\n9\n');
    const after = textFile('1\n2\n3\n4\nfive\n6\n7\n8\n9\n');
    assert.equal(
      diffFile('/etc/sysctl.conf', before, after),
      '--- /etc/sysctl.conf\n+++ /etc/sysctl.conf\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n',
    );
  });

  it('splits far-apart changes into two hunks', () => {
    const lines = Array.from({ length: 20 }, (_, i) => String(i + 1));
    const changed = lines.map((l) => (l === '2' || l === '18' ? `${l}!` : l));
    const out = diffFile('/f', textFile(lines.join('\n') + '\n'), textFile(changed.join('\n') + '\n'));
    assert.deepEqual(
      out.split('\n').filter((l) => l.startsWith('@@')),
      ['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@'],
    );
  });

  it('creation and removal diff against /dev/null', () => {
    assert.equal(diffFile('/f', null, textFile('a\n')), '--- /dev/null\n+++ /f\n@@ -0,0 +1,1 @@\n+a\n');
    assert.equal(diffFile('/f', textFile('a\n'), null), '--- /f\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n');
  });

  it('marks a missing trailing newline', () => {
    assert.equal(
      diffFile('/f', textFile('a\nb'), textFile('a\nb\nc\n')),
      '--- /f\n+++ /f\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n',
    );
  });

  it('shows a mode change and is empty when nothing differs', () => {
    assert.equal(
      diffFile('/f', textFile('a\n'), textFile('a\n', 0o600)),
      'old mode 644\nnew mode 600\n--- /f\n+++ /f\n',
    );
    assert.equal(diffFile('/f', textFile('a\n'), textFile('a\n')), '');
  });
});

describe('countChangedLines', () => {
  it('counts a replaced line once', () => assert.equal(countChangedLines(diffLines('a\nb\n', 'a\nB\n')), 1));
  it('counts additions', () => assert.equal(countChangedLines(diffLines('a\n', 'a\nb\nc\n')), 2));
});

describe('diffFile output applies with patch(1)', () => {
  const hasPatch = spawnSync('patch', ['--version']).status === 0;
  const pairs = [
    ['a\nb\nc\n', 'a\nc\nd\n'],
    [
      'x = 1\nnet.netfilter.nf_conntrack_max=1\ny = 2',
      'x = 1\n# off: net.netfilter.nf_conntrack_max=1\ny = 2\n\n# BEGIN\nk = v\n# END\n',
    ],
    [
      Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n') + '\n',
      Array.from({ length: 30 }, (_, i) => (i % 7 === 3 ? `L${i}` : `l${i}`)).join('\n') + '\n',
    ],
    ['', 'new\n'],
  ];
  pairs.forEach(([before, after], index) => {
    it(`case ${index}`, (t) => {
      if (!hasPatch) return t.skip('patch(1) is not installed');
      const dir = mkdtempSync(join(tmpdir(), 'ctf-diff-'));
      try {
        writeFileSync(join(dir, 'before'), before!);
        writeFileSync(join(dir, 'diff'), diffFile('/f', textFile(before!), textFile(after!)));
        const run = spawnSync('patch', ['-s', '-o', join(dir, 'out'), join(dir, 'before'), join(dir, 'diff')], {
          encoding: 'utf8',
        });
        assert.equal(run.status, 0, run.stderr + run.stdout);
        assert.equal(readFileSync(join(dir, 'out'), 'utf8'), after);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
