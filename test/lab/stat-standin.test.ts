import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseConntrackStats } from '../../src/facts/parse-conntrack-stats.js';
import { addToStatColumn, fallbackStatHeader, machineStatLayout, renderStatFile } from './stat-standin.js';

const fixture = readFileSync(new URL('../fixtures/facts/stat-nf_conntrack.6.18-2cpu.txt', import.meta.url), 'utf8');

test('the stand-in has the kernel format: header, one hex row per CPU, the kernel spacing', () => {
  const text = renderStatFile({ header: fallbackStatHeader, cpus: 2 }, 0x18);
  // the fixture is a real 6.18 file from a 2-CPU machine with 0x18 entries and no other counts
  assert.equal(text, fixture);
});

test('the parser reads it: entries once, counters 0, and a bumped column sums into the totals', () => {
  const text = renderStatFile({ header: fallbackStatHeader, cpus: 4 }, 3600);
  const fresh = parseConntrackStats(text);
  assert.deepEqual([fresh?.drop, fresh?.early_drop, fresh?.insert_failed, fresh?.all['entries']], [0, 0, 0, 3600]);
  const bumped = addToStatColumn(addToStatColumn(addToStatColumn(text, 'drop', 5), 'drop', 250), 'insert_failed', 2);
  const stats = parseConntrackStats(bumped);
  assert.deepEqual([stats?.drop, stats?.insert_failed, stats?.early_drop, stats?.all['entries']], [255, 2, 0, 3600]);
  assert.equal(bumped.split('\n').length, text.split('\n').length);
});

test('the machine layout comes from the real file when readable, else the fallback', () => {
  const layout = machineStatLayout();
  assert.ok(layout.cpus >= 1);
  assert.match(layout.header, /\bdrop\b.*\bearly_drop\b/);
  const fallback = machineStatLayout('/nonexistent/stat');
  assert.equal(fallback.header, fallbackStatHeader);
  assert.ok(fallback.cpus >= 1);
});

test('an unknown column or a negative amount is refused', () => {
  const text = renderStatFile({ header: fallbackStatHeader, cpus: 1 }, 0);
  assert.throws(() => addToStatColumn(text, 'nope', 1), /no column nope/);
  assert.throws(() => addToStatColumn(text, 'drop', -1), /cannot add/);
});
