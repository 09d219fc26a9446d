/**
 * `watch --quiet`: nothing while sampling; when it stops (--count, Ctrl-C), one line per host with a problem — not
 * answering, at or above --warn-percent, or losing connections (drop, early_drop, insert_failed, chaintoolong per
 * second > 0 in any interval of the watch: the caller passes highestRates) — worst first, then one summary line. For a cron probe: `watch --count 3 --quiet`. Pure: returns text.
 */
import { lossPerSecond, rateColumns, type WatchRow } from '../facts/sample-rates.js';
import { escapeControl, escapeMessage } from '../config/escape.js';
import { compareWorstFirst } from './watch-layout.js';

function isFull(row: WatchRow, usageWarnPercent: number): boolean {
  return row.up && row.usagePercent !== null && row.usagePercent >= usageWarnPercent;
}

function isLosing(row: WatchRow): boolean {
  return row.up && lossPerSecond(row) > 0;
}

function problemLine(row: WatchRow, usageWarnPercent: number): string {
  const host = escapeControl(row.host);
  if (!row.up) return `${host}: not answering: ${escapeMessage(row.error ?? 'no answer')}`;
  const parts: string[] = [];
  if (isFull(row, usageWarnPercent))
    parts.push(`${(row.usagePercent ?? 0).toFixed(1)}% full (${row.count}/${row.max})`);
  const losing = rateColumns
    .filter((c) => (row.perSecond[c] ?? 0) > 0)
    .map((c) => `${c} ${(row.perSecond[c] ?? 0).toFixed(2)}/s`);
  parts.push(...losing);
  return `${host}: ${parts.join(', ')}`;
}

/** `totalHosts` counts hosts that never answered a single sample too (they have no row). */
export function formatWatchQuiet(rows: readonly WatchRow[], totalHosts: number, usageWarnPercent: number): string {
  const problems = rows.filter((r) => !r.up || isFull(r, usageWarnPercent) || isLosing(r)).sort(compareWorstFirst);
  const silent = totalHosts - rows.length;
  const down = rows.filter((r) => !r.up).length;
  const counts = [
    `${rows.filter((r) => isFull(r, usageWarnPercent)).length} at or above ${usageWarnPercent}%`,
    `${rows.filter(isLosing).length} dropping`,
    `${down + silent} not answering`,
  ];
  const summary = `${totalHosts} ${totalHosts === 1 ? 'host' : 'hosts'}: ${problems.length + silent} with problems (${counts.join(', ')})`;
  const lines = problems.map((r) => problemLine(r, usageWarnPercent));
  if (silent > 0) lines.push(`${silent} ${silent === 1 ? 'host' : 'hosts'}: no sample before the watch stopped`);
  return `${[...lines, summary].join('\n')}\n`;
}

/**
 * Per column, the highest rate of `seen` (the rates kept so far, null at first) and `row`'s; null where neither
 * knows it. --quiet reports these, so a host that dropped packets in any interval of the watch counts as dropping
 * even when its last interval was calm (a cron `watch --count 3 --quiet` must not miss a burst in the first one).
 */
export function highestRates(seen: WatchRow['perSecond'] | null, row: WatchRow): WatchRow['perSecond'] {
  const highest = { ...row.perSecond };
  if (seen === null) return highest;
  for (const column of rateColumns) {
    const [a, b] = [seen[column], row.perSecond[column]];
    highest[column] = a === null ? b : b === null ? a : Math.max(a, b);
  }
  return highest;
}
