/** The watch screen on a pty that reports no size (columns and rows 0): laid out for 80 × 24, not cut to 20. */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { WatchRow } from '../../src/facts/sample-rates.js';
import { createWatchScreen } from '../../src/report/watch-screen.js';

function fakeTerminal(columns: number, rows: number) {
  const written: string[] = [];
  const stream = Object.assign(new EventEmitter(), {
    columns,
    rows,
    write: (chunk: string) => written.push(chunk) > 0,
  }) as unknown as NodeJS.WriteStream;
  return { stream, written };
}

const row: WatchRow = {
  host: 'web-frontend-01.example.internal',
  up: true,
  error: null,
  lastAnsweredMs: 0,
  count: 500,
  max: 1000,
  usagePercent: 50,
  perSecond: { drop: 0, early_drop: 0, insert_failed: 0, chaintoolong: null },
};

function lastFrame(columns: number, rows: number): string[] {
  const { stream, written } = fakeTerminal(columns, rows);
  const screen = createWatchScreen({ stream, color: false, intervalMs: 2000, usageWarnPercent: 80, totalHosts: 1 });
  screen.update(() => [row]);
  screen.close();
  return (written.at(-1) ?? '').trimEnd().split('\n');
}

describe('createWatchScreen', () => {
  it('a terminal of 0 columns and 0 rows is laid out as 80 × 24, as one that reports no size', () => {
    const unsized = lastFrame(0, 0);
    assert.deepEqual(unsized, lastFrame(80, 24));
    assert.ok(
      unsized.some((line) => line.includes(row.host)),
      unsized.join('\n'),
    );
  });
});
