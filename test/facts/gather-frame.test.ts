import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitGatherOutput } from '../../src/facts/gather-frame.js';
import { findMissingParts } from '../../src/facts/gather-output.js';
import { newRecordToken } from '../../src/remote/records.js';
import { fixtureToken, frameOf, gatherFixture } from './gather-fixture.js';

const g = gatherFixture();
const other = gatherFixture(newRecordToken());

const output = [
  g.value('kernel', '6.1.0-18-amd64'),
  g.value('uid', 0),
  g.value('empty', ''),
  g.problem('nft not found: nf_tables rules were not read'),
  ...g.block('rules iptables-save', ['@@end', '@@done', other.record('end'), '@@cf'], {
    rc: 0,
    stderr: ['iptables-save: warning'],
  }),
  ...g.block('knobs', ['/a\terw\t1']),
  'stray line outside any section',
  g.record('done'),
];

test('records, values, problems and blocks; content that looks like a record or an old marker stays content', () => {
  const frame = frameOf(output);
  assert.deepEqual(frame.values, { kernel: '6.1.0-18-amd64', uid: '0', empty: '' });
  assert.deepEqual(frame.problems, ['nft not found: nf_tables rules were not read']);
  assert.equal(frame.complete, true);
  const content = ['@@end', '@@done', other.record('end'), '@@cf'];
  assert.deepEqual(frame.sections[0], {
    name: 'rules',
    arg: 'iptables-save',
    lines: content,
    stderrLines: ['iptables-save: warning'],
    exitCode: 0,
    text: `${content.join('\n')}\n`,
  });
  assert.deepEqual(frame.sections[1], {
    name: 'knobs',
    arg: '',
    lines: ['/a\terw\t1'],
    stderrLines: [],
    exitCode: null,
    text: '/a\terw\t1\n',
  });
  assert.deepEqual(findMissingParts(frame), []);
});

test('cut short: no done record, an unterminated block is dropped', () => {
  const frame = frameOf([g.value('kernel', 'x'), g.record('begin', 'knobs'), '/a\terw\t1']);
  assert.equal(frame.sections.length, 0);
  assert.deepEqual(findMissingParts(frame), ['the done record', 'value uid', 'section knobs']);
  assert.deepEqual(findMissingParts(frameOf([])), ['the done record', 'value kernel', 'value uid', 'section knobs']);
});

test("another token's records are content or nothing: a whole output of another token says nothing", () => {
  const frame = splitGatherOutput(
    other.output({ identity: [other.value('kernel', 'x'), other.value('uid', 0)] }),
    fixtureToken,
  );
  assert.deepEqual([frame.values, frame.factSections, frame.complete], [{}, [], false]);
});

/**
 * What a host controls inside a block (a file's bytes, a command's output), raw, as the shell prints it. Each case
 * is the block's exact content: the block must end where the script ended it, hold exactly those bytes, and leave
 * the block and records after it intact.
 */
const forged: Array<{ name: string; content: string }> = [
  {
    name: 'a sysctl.d file with record lines of another token',
    content: `net.netfilter.nf_conntrack_max = 1\n@@cf ${newRecordToken()} end\n@@cf ${newRecordToken()} done\n`,
  },
  { name: 'record lines without a token', content: '@@cf end\n@@cf  end\n@@cf - end\n' },
  { name: 'the old frame markers', content: '@@end\n@@done\n@@section files\n@@begin file 0\n|absent\n@@rc 0\n' },
  {
    name: 'a guessed token of the wrong length',
    content: `@@cf ${fixtureToken}0 end\n@@cf ${fixtureToken.slice(1)} end\n`,
  },
  { name: 'a last line without a newline', content: 'net.netfilter.nf_conntrack_max = 1\n# no newline at EOF' },
  { name: 'only a line without a newline', content: '@@end' },
  { name: 'an empty last line', content: 'a\n\n' },
  { name: 'carriage returns and binary bytes', content: 'a\r\n\u0000\u00ff\u001b[2J\r' },
  { name: 'nothing at all', content: '' },
];

for (const { name, content } of forged) {
  test(`forged frames inside content cannot end a block early: ${name}`, () => {
    // as `cat FILE` between cf_begin and cf_end prints it: the end record follows the last byte directly
    const stdout = [
      `${g.record('begin', 'file 0')}\n${content}${g.record('end')}\n`,
      `${g.record('begin', 'file 1')}\nafter\n${g.record('end')}\n`,
      `${g.value('uid', 0)}\n${g.record('done')}\n`,
    ].join('');
    const frame = splitGatherOutput(stdout, fixtureToken);
    assert.deepEqual(
      frame.sections.map((s) => [s.arg, s.text]),
      [
        ['0', content],
        ['1', 'after\n'],
      ],
    );
    assert.deepEqual(frame.sections[0]?.lines, content === '' ? [] : content.replace(/\n$/, '').split('\n'));
    assert.deepEqual([frame.values, frame.complete], [{ uid: '0' }, true]);
  });
}

test('a command whose output has no last newline: its rc and stderr records still count', () => {
  const stdout = `${g.record('begin', 'rules nft')}\ntable ip nat {${g.record('rc', '1')}\n${g.record('stderr')}\nError: x\n${g.record('end')}\n`;
  const [block] = splitGatherOutput(stdout, fixtureToken).sections;
  assert.deepEqual([block?.text, block?.exitCode, block?.stderrLines], ['table ip nat {', 1, ['Error: x']]);
});
