import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitGatherOutput } from '../../src/facts/gather-frame.js';
import { evidenceLinesPerSource, readCpus, readFiles, readModules, readRules } from '../../src/facts/gather-readers.js';
import { readFixture } from './fixtures.js';

function section(header: string, lines: string[], rc?: number, stderr: string[] = []): string {
  const rcLine = rc === undefined ? [] : [`@@rc ${rc}`];
  return [`@@begin ${header}`, ...lines.map((l) => `|${l}`), ...stderr.map((l) => `!${l}`), ...rcLine, '@@end'].join('\n');
}

test('rules: each source prefixed, failures become problems', () => {
  const frame = splitGatherOutput([
    section('rules iptables-legacy-save', readFixture('iptables-save.6.18-legacy.txt').split('\n'), 0),
    section('rules nft', [], 1, ['Error: Operation not permitted (you must be root)']),
  ].join('\n'));
  const problems: string[] = [];
  const rules = readRules(frame, problems);
  assert.equal(rules.nat, true);
  assert.deepEqual(rules.lines, [
    'iptables-legacy-save: -t filter -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    'iptables-legacy-save: -t nat -A POSTROUTING -o eth0 -j MASQUERADE',
  ]);
  assert.deepEqual(problems, ['nft failed (exit 1): Error: Operation not permitted (you must be root)']);
});

test('rules: a kube-proxy sized nat table is capped per source', () => {
  const rules = Array.from({ length: evidenceLinesPerSource + 50 }, (_, i) => `-A KUBE-SVC-${i} -j KUBE-SEP-${i}`);
  const frame = splitGatherOutput(section('rules iptables-save', ['*nat', ...rules, 'COMMIT'], 0));
  const evidence = readRules(frame, []);
  assert.equal(evidence.lines.length, evidenceLinesPerSource + 1);
  assert.equal(evidence.lines.at(-1), 'iptables-save: … 50 more rule lines');
});

test('modules: lsmod, else /proc/modules; a failing lsmod is a problem', () => {
  const lsmod = readFixture('lsmod.debian-6.1-iptables-nft-masquerade-handwritten.txt').split('\n');
  const proc = readFixture('proc-modules.debian-6.1-iptables-nft-masquerade-handwritten.txt').split('\n');
  assert.equal(readModules(splitGatherOutput(section('lsmod', lsmod, 0)), []).length, 24);
  assert.equal(readModules(splitGatherOutput(section('proc-modules', proc)), []).length, 20);
  const problems: string[] = [];
  assert.deepEqual(readModules(splitGatherOutput(section('lsmod', [], 1, ["lsmod: ERROR: could not open '/proc/modules'"])), problems), []);
  assert.equal(problems.length, 1);
  assert.deepEqual(readModules(splitGatherOutput(''), []), []);
});

test('files: present, absent, unknown (never confused with absent), missing section', () => {
  const frame = splitGatherOutput([section('file 0', ['meta 644 0 0', 'base64 QQo=']), section('file 1', ['absent']), section('file 2', ['unreadable'])].join('\n'));
  const problems: string[] = [];
  const files = readFiles(frame, { files: ['/a', '/b', '/c', '/d'] }, problems);
  assert.deepEqual(files, { '/a': { contentBase64: 'QQo=', mode: 0o644, uid: 0, gid: 0 }, '/b': null });
  assert.deepEqual(problems, ['/c cannot be read', '/d was not read']);
});

test('cpus: a number, else 1 and a problem', () => {
  assert.equal(readCpus(splitGatherOutput('@@value cpus 8'), []), 8);
  const problems: string[] = [];
  assert.equal(readCpus(splitGatherOutput('@@value cpus '), problems), 1);
  assert.equal(problems.length, 1);
});
