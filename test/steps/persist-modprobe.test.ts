import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findHashsizeLines, parseConntrackOptions, rewriteModprobeText } from '../../src/steps/module-files.js';

describe('modprobe.d options lines for nf_conntrack', () => {
  const cases: [string, ReturnType<typeof parseConntrackOptions>][] = [
    ['options nf_conntrack hashsize=1', { others: [], hashsize: '1' }],
    ['  options\tnf-conntrack expect_hashsize=2 hashsize=3 hashsize=4', { others: ['expect_hashsize=2'], hashsize: '4' }],
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
    assert.equal(neutral, 'blacklist x\n# conntrack-fleet disabled: options nf_conntrack expect_hashsize=262144 hashsize=262144\noptions nf_conntrack expect_hashsize=262144\n');
    assert.deepEqual(findHashsizeLines(neutral, 65536), []);
    assert.equal(rewriteModprobeText(neutral, new Set(), true), text);
  });
});
