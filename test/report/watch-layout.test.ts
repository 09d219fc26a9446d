import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WatchRow } from '../../src/facts/sample-rates.js';
import { renderWatchFrame, usageBar } from '../../src/report/watch-frame.js';
import { toWatchJsonLine } from '../../src/report/watch-json.js';
import { layoutRows } from '../../src/report/watch-layout.js';

function row(host: string, usagePercent: number | null, drop: number | null = 0, up = true): WatchRow {
  return {
    host,
    up,
    error: up ? null : 'no answer within 2000 ms',
    lastAnsweredMs: up ? 10_000 : 4_000,
    count: usagePercent === null ? null : usagePercent * 10,
    max: 1000,
    usagePercent,
    perSecond: {
      drop,
      early_drop: drop === null ? null : 0,
      insert_failed: drop === null ? null : 0,
      chaintoolong: null,
    },
  };
}

describe('layoutRows: worst first, the rest summarised', () => {
  const rows = [
    row('calm', 10),
    row('full', 95),
    row('dropping', 40, 12.5),
    row('gone', null, null, false),
    row('half', 50),
  ];

  it('order: not answering, then losses per second, then usage, then name', () => {
    assert.deepEqual(
      layoutRows(rows, 10).shown.map((r) => r.host),
      ['gone', 'dropping', 'full', 'half', 'calm'],
    );
    assert.equal(layoutRows(rows, 10).hidden, null);
  });

  const cases = [
    { budget: 5, shown: 5, hidden: null },
    { budget: 4, shown: 3, hidden: { hosts: 2, down: 0, losing: 0, maxUsagePercent: 50 } },
    { budget: 1, shown: 0, hidden: { hosts: 5, down: 1, losing: 1, maxUsagePercent: 95 } },
    { budget: 0, shown: 0, hidden: { hosts: 5, down: 1, losing: 1, maxUsagePercent: 95 } },
  ];
  for (const c of cases) {
    it(`a budget of ${c.budget} lines shows ${c.shown} hosts${c.hidden ? ' and one summary line' : ''}`, () => {
      const layout = layoutRows(rows, c.budget);
      assert.equal(layout.shown.length, c.shown);
      assert.deepEqual(layout.hidden, c.hidden);
    });
  }
});

describe('renderWatchFrame', () => {
  const options = {
    width: 200,
    color: false,
    nowMs: 10_000,
    intervalMs: 2000,
    total: 3,
    answering: 2,
    usageWarnPercent: 80,
  };

  it('one header, one line per shown host with bar, percent, count/max and rates, then the summary', () => {
    const lines = renderWatchFrame(
      layoutRows([row('web1', 95, 3), row('web2', null, null, false), row('web3', 1), row('web4', 0.5)], 3),
      options,
    );
    assert.equal(lines.length, 4);
    assert.match(lines[0] ?? '', /2\/3 answering/);
    assert.match(lines[1] ?? '', /^web2 .*NOT ANSWERING \(last answer 6s ago\): no answer within 2000 ms$/);
    assert.equal(
      lines[2],
      `web1  ${usageBar(95)}  95.0%  950/1000         drop 3.00/s  early_drop 0/s  insert_failed 0/s`,
    );
    assert.match(lines[3] ?? '', /^… 2 more hosts \(0 not answering, 0 dropping, fullest 1\.0%\)/);
  });

  it('hosts without a first sample yet are counted as connecting in the header', () => {
    const lines = renderWatchFrame(layoutRows([row('web1', 10)], 5), { ...options, total: 4, answering: 1 });
    assert.match(lines[0] ?? '', /1\/4 answering, 3 connecting/);
  });

  it('lines are cut to the terminal width; control characters in names are escaped', () => {
    const lines = renderWatchFrame(layoutRows([row('evil\x1b[2J', 50)], 5), { ...options, width: 30 });
    for (const line of lines) assert.ok([...line].length <= 30, line);
    assert.ok(lines[1]?.startsWith('evil\\x1b[2J'), lines[1]);
  });

  it('usageBar: 10 cells, clamped, unknown dotted', () => {
    assert.equal(usageBar(0), '░'.repeat(10));
    assert.equal(usageBar(55), '██████░░░░');
    assert.equal(usageBar(250), '█'.repeat(10));
    assert.equal(usageBar(null), '·'.repeat(10));
  });
});

describe('toWatchJsonLine', () => {
  it('one line of JSON; a host not answering has no current count', () => {
    const up = JSON.parse(toWatchJsonLine(row('a', 12.345, 1), 0)) as Record<string, unknown>;
    assert.equal(up['usage_percent'], 12.35);
    assert.equal(up['time'], '1970-01-01T00:00:00.000Z');
    const line = toWatchJsonLine(row('b', 40, null, false), 0);
    assert.equal(line.split('\n').length, 2);
    const gone = JSON.parse(line) as Record<string, unknown>;
    assert.equal(gone['up'], false);
    assert.equal(gone['count'], null);
  });

  it('rounds rates per second to two decimals, as usage_percent, and keeps an unknown rate null', () => {
    const sampled = {
      ...row('a', 10, 299.4011976047904),
      perSecond: { ...row('a', 10, 299.4011976047904).perSecond, chaintoolong: null },
    };
    const json = JSON.parse(toWatchJsonLine(sampled, 0)) as { per_second: Record<string, number | null> };
    assert.equal(json.per_second['drop'], 299.4);
    assert.equal(json.per_second['chaintoolong'], null);
  });
});
