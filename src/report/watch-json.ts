/** `watch` off a terminal: one JSON object per line, per sample, per host — for jq, a log shipper, a pipe. Pure. */
import type { WatchRow } from '../facts/sample-rates.js';

export interface WatchJsonLine {
  /** ISO 8601 time of the sample. */
  time: string;
  host: string;
  up: boolean;
  error: string | null;
  /** Only when the host did not answer: why, as check -o json says it ('unreachable', 'timeout', …). */
  error_kind?: string;
  count: number | null;
  max: number | null;
  /** count / max × 100, two decimals. */
  usage_percent: number | null;
  /** Counters per second since the host's previous answer, two decimals; null = not known yet or not on this kernel. */
  per_second: WatchRow['perSecond'];
}

const twoDecimals = (n: number | null): number | null => (n === null ? null : Math.round(n * 100) / 100);

function roundRates(rates: WatchRow['perSecond']): WatchRow['perSecond'] {
  return Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, twoDecimals(v)])) as WatchRow['perSecond'];
}

export function toWatchJsonLine(row: WatchRow, atMs: number): string {
  const line: WatchJsonLine = {
    time: new Date(atMs).toISOString(),
    host: row.host,
    up: row.up,
    error: row.error,
    ...(!row.up && row.errorKind && { error_kind: row.errorKind }),
    count: row.up ? row.count : null,
    max: row.up ? row.max : null,
    usage_percent: row.up ? twoDecimals(row.usagePercent) : null,
    per_second: roundRates(row.perSecond),
  };
  return `${JSON.stringify(line)}\n`;
}
