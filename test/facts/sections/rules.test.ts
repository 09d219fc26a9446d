import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evidenceLinesPerSource, readRules } from '../../../src/facts/sections/rules.js';
import { readFixture } from '../fixtures.js';
import { frameOf, gatherFixture } from '../gather-fixture.js';

const g = gatherFixture();

test('rules: each source prefixed, failures become problems', () => {
  const frame = frameOf([
    ...g.block('rules iptables-legacy-save', readFixture('iptables-save.6.18-legacy.txt').split('\n'), { rc: 0 }),
    ...g.block('rules nft', [], { rc: 1, stderr: ['Error: Operation not permitted (you must be root)'] }),
  ]);
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
  const frame = frameOf(g.block('rules iptables-save', ['*nat', ...rules, 'COMMIT'], { rc: 0 }));
  const evidence = readRules(frame, []);
  assert.equal(evidence.lines.length, evidenceLinesPerSource + 1);
  assert.equal(evidence.lines.at(-1), 'iptables-save: … 50 more rule lines');
});
