import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableUsagePercent, tableUsagePercentOneDecimal } from '../../src/kernel/table-usage.js';

describe('tableUsagePercentOneDecimal (as reports show it)', () => {
  const cases: [number | null, number | null, number | null][] = [
    [1200, 65536, 1.8],
    [59768, 65536, 91.2],
    [65536, 65536, 100],
    [0, 65536, 0],
    [null, 65536, null],
    [5, null, null],
    [5, 0, null],
  ];
  for (const [count, max, expected] of cases) {
    it(`${count}/${max} → ${expected}`, () => assert.equal(tableUsagePercentOneDecimal(count, max), expected));
  }
});

describe('tableUsagePercent (exact, for thresholds)', () => {
  const cases: [number | null, number | null, number | null][] = [
    [500, 1000, 50],
    [250000, 262144, (250000 / 262144) * 100],
    [0, 1, 0],
    [null, 1000, null],
    [1, null, null],
    [1, 0, null],
    [1, -5, null],
  ];
  for (const [count, max, expected] of cases)
    it(`${count}/${max} → ${expected}`, () => assert.equal(tableUsagePercent(count, max), expected));

  it('79.99% shows as 80.0 but stays below an 80% threshold', () => {
    assert.equal(tableUsagePercentOneDecimal(7999, 10000), 80);
    assert.ok((tableUsagePercent(7999, 10000) ?? 100) < 80);
  });
});
