import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostFacts } from '../../src/facts/types.js';
import type { GateSpec } from '../../src/playbook/types.js';
import { judgeGate } from '../../src/runner/gate.js';
import { builtin618 } from '../fixtures/steps/facts.js';

interface Reading {
  count?: number | null;
  max?: number | null;
  drop?: number;
  early_drop?: number;
  insert_failed?: number;
  /** No readable /proc/net/stat/nf_conntrack. */
  noStats?: boolean;
}

function facts(reading: Reading): HostFacts {
  const f = builtin618();
  if (reading.count !== undefined) f.count = reading.count;
  if (reading.max !== undefined) f.max = reading.max;
  const counters = {
    drop: reading.drop ?? 0,
    early_drop: reading.early_drop ?? 0,
    insert_failed: reading.insert_failed ?? 0,
  };
  f.stats = reading.noStats ? null : { ...counters, all: { ...counters, entries: 1200 } };
  return f;
}

const gate = (fields: Partial<GateSpec> = {}): GateSpec => ({ soakMs: 1000, max_new_drops: 0, ...fields });

test('judgeGate: usage above the bound and drop counters grown beyond the allowance fail a host', () => {
  const table: [string, GateSpec, Reading | null, Reading, string | null][] = [
    ['quiet host', gate({ max_usage_percent: 90 }), { drop: 7 }, { drop: 7, count: 1000, max: 262144 }, null],
    ['usage exactly at the bound passes', gate({ max_usage_percent: 50 }), {}, { count: 500, max: 1000 }, null],
    [
      'usage above the bound',
      gate({ max_usage_percent: 90 }),
      {},
      { count: 250000, max: 262144 },
      'table 95.4% full (250000 of 262144) > 90%',
    ],
    ['no usage bound: a full table alone passes', gate(), {}, { count: 262144, max: 262144 }, null],
    ['unknown count: usage not judged', gate({ max_usage_percent: 1 }), {}, { count: null }, null],
    ['new drops', gate(), { drop: 10 }, { drop: 15 }, '5 new drops (drop +5) > 0 allowed'],
    [
      'insert_failed and early_drop count too, summed',
      gate({ max_new_drops: 2 }),
      {},
      { insert_failed: 2, early_drop: 1 },
      '3 new drops (early_drop +1, insert_failed +2) > 2 allowed',
    ],
    ['growth within the allowance', gate({ max_new_drops: 3 }), { drop: 1 }, { drop: 3, insert_failed: 1 }, null],
    ['a reset counter counts from zero', gate(), { drop: 900 }, { drop: 4 }, '4 new drops (drop +4) > 0 allowed'],
    ['counters unreadable before: drops not judged', gate(), { noStats: true }, { drop: 99 }, null],
    ['counters unreadable after: drops not judged', gate(), { drop: 1 }, { noStats: true }, null],
    ['no facts from before the change: drops not judged', gate(), null, { drop: 99 }, null],
    [
      'both reasons at once',
      gate({ max_usage_percent: 10 }),
      {},
      { count: 200, max: 1000, drop: 1 },
      'table 20.0% full (200 of 1000) > 10%; 1 new drops (drop +1) > 0 allowed',
    ],
  ];
  for (const [name, spec, before, after, expected] of table) {
    assert.equal(judgeGate(spec, before ? facts(before) : null, facts(after)), expected, name);
  }
});
