import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capLines, withoutQuoted } from '../../src/facts/rule-evidence.js';

test('quoted parts are blanked, escaped quotes included', () => {
  assert.equal(withoutQuoted('accept comment "a \\" dnat" ct state new'), 'accept comment "" ct state new');
});

test('cap keeps the first lines and counts the rest', () => {
  const lines = Array.from({ length: 5 }, (_, i) => `rule ${i}`);
  assert.deepEqual(capLines(lines, 5), lines);
  assert.deepEqual(capLines(lines, 2), ['rule 0', 'rule 1', '… 3 more rule lines']);
});
