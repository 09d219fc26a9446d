import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lossPerSecond, nextRow, type TimedSample } from '../../src/facts/sample-rates.js';

function sampleAt(atMs: number, counters: Record<string, number> | null, count = 100, max = 1000): TimedSample {
  const all = counters ?? {};
  return {
    host: 'h1',
    atMs,
    sample: {
      count,
      max,
      buckets: 1000,
      stats: counters
        ? { drop: all['drop'] ?? 0, early_drop: all['early_drop'] ?? 0, insert_failed: all['insert_failed'] ?? 0, all }
        : null,
    },
    error: null,
  };
}

const down = (atMs: number): TimedSample => ({ host: 'h1', atMs, sample: null, error: 'no answer within 2000 ms' });

describe('nextRow', () => {
  const cases = [
    {
      name: 'first sample: usage known, rates not yet',
      previous: null,
      current: sampleAt(1000, { drop: 5, early_drop: 0, insert_failed: 0 }),
      usage: 10,
      perSecond: { drop: null, early_drop: null, insert_failed: null, chaintoolong: null },
    },
    {
      name: 'two samples 2 s apart: deltas per second; chaintoolong null where the kernel lacks chainlength',
      previous: sampleAt(1000, { drop: 5, early_drop: 0, insert_failed: 1 }),
      current: sampleAt(3000, { drop: 25, early_drop: 4, insert_failed: 1 }, 500),
      usage: 50,
      perSecond: { drop: 10, early_drop: 2, insert_failed: 0, chaintoolong: null },
    },
    {
      name: 'new kernels: the chainlength column is the chaintoolong rate',
      previous: sampleAt(0, { drop: 0, early_drop: 0, insert_failed: 0, chainlength: 10 }),
      current: sampleAt(500, { drop: 0, early_drop: 0, insert_failed: 0, chainlength: 20 }),
      usage: 10,
      perSecond: { drop: 0, early_drop: 0, insert_failed: 0, chaintoolong: 20 },
    },
    {
      name: 'a counter that went down (module reloaded) has no rate',
      previous: sampleAt(0, { drop: 50, early_drop: 0, insert_failed: 0 }),
      current: sampleAt(1000, { drop: 3, early_drop: 0, insert_failed: 0 }),
      usage: 10,
      perSecond: { drop: null, early_drop: 0, insert_failed: 0, chaintoolong: null },
    },
    {
      name: 'no stats file: no rates, usage still shown',
      previous: sampleAt(0, null),
      current: sampleAt(1000, null),
      usage: 10,
      perSecond: { drop: null, early_drop: null, insert_failed: null, chaintoolong: null },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const row = nextRow(c.previous, c.current, null);
      assert.equal(row.up, true);
      assert.equal(row.usagePercent, c.usage);
      assert.deepEqual(row.perSecond, c.perSecond);
    });
  }

  it('a host that stops answering keeps its last count, says why and since when', () => {
    const first = nextRow(null, sampleAt(1000, { drop: 0 }, 700), null);
    const row = nextRow(sampleAt(1000, { drop: 0 }), down(5000), first);
    assert.equal(row.up, false);
    assert.equal(row.error, 'no answer within 2000 ms');
    assert.equal(row.lastAnsweredMs, 1000);
    assert.equal(row.count, 700);
    assert.equal(lossPerSecond(row), 0);
  });

  it('rates span a gap in answers: the previous ANSWERED sample is the base', () => {
    const row = nextRow(sampleAt(0, { drop: 0 }), sampleAt(4000, { drop: 40 }), null);
    assert.equal(row.perSecond.drop, 10);
    assert.equal(lossPerSecond(row), 10);
  });
});
