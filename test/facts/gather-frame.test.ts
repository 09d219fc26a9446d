import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitGatherOutput } from '../../src/facts/gather-frame.js';
import { findMissingParts } from '../../src/facts/gather-output.js';

const output = [
  '@@value kernel 6.1.0-18-amd64',
  '@@value uid 0',
  '@@value empty ',
  '@@problem nft not found: nf_tables rules were not read',
  '@@begin rules iptables-save',
  '|@@end',
  '|@@done',
  '!iptables-save: warning',
  '@@rc 0',
  '@@end',
  '@@begin knobs',
  '|/a\terw\t1',
  '@@end',
  'stray line outside any section',
  '@@done',
].join('\n');

test('markers, values, problems and sections; content that looks like a marker stays content', () => {
  const frame = splitGatherOutput(output);
  assert.deepEqual(frame.values, { kernel: '6.1.0-18-amd64', uid: '0', empty: '' });
  assert.deepEqual(frame.problems, ['nft not found: nf_tables rules were not read']);
  assert.equal(frame.complete, true);
  assert.deepEqual(frame.sections[0], {
    name: 'rules',
    arg: 'iptables-save',
    lines: ['@@end', '@@done'],
    stderrLines: ['iptables-save: warning'],
    exitCode: 0,
  });
  assert.deepEqual(frame.sections[1], {
    name: 'knobs',
    arg: '',
    lines: ['/a\terw\t1'],
    stderrLines: [],
    exitCode: null,
  });
  assert.deepEqual(findMissingParts(frame), []);
});

test('cut short: no done marker, an unterminated section is dropped', () => {
  const frame = splitGatherOutput('@@value kernel x\n@@begin knobs\n|/a\terw\t1\n');
  assert.equal(frame.sections.length, 0);
  assert.deepEqual(findMissingParts(frame), ['the @@done marker', 'value uid', 'section knobs']);
  assert.deepEqual(findMissingParts(splitGatherOutput('')), [
    'the @@done marker',
    'value kernel',
    'value uid',
    'section knobs',
  ]);
});
