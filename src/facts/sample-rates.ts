/**
 * From two samples of one host to what `watch` shows: usage and loss counters per second. Pure.
 * The counters are those of /proc/net/stat/nf_conntrack (summed over CPUs, see parse-conntrack-stats.ts);
 * `chaintoolong` (insertions refused because a hash chain was too long) exists since the chain length limit of
 * Linux 5.15; /proc prints it under the header `chainlength` (net/netfilter/nf_conntrack_standalone.c, ct_cpu_seq_show),
 * and it is null on kernels without the column.
 */
import { tableUsagePercent } from '../kernel/table-usage.js';
import type { CounterSample } from './sample-script.js';

export const rateColumns = ['drop', 'early_drop', 'insert_failed', 'chaintoolong'] as const;
export type RateColumn = (typeof rateColumns)[number];

/** One answer of one host at one time; `sample` null = the host did not answer (`error` says why). */
export interface TimedSample {
  host: string;
  atMs: number;
  sample: CounterSample | null;
  error: string | null;
  /** Why there is no sample (errors.ts HostErrorKind: 'unreachable', 'timeout', 'host-key-changed', …). */
  errorKind?: string | null;
}

export interface WatchRow {
  host: string;
  /** The last sample was answered. */
  up: boolean;
  error: string | null;
  /** With `up` false: why, as a kind (TimedSample.errorKind); absent when unknown. */
  errorKind?: string;
  /** When the host last answered (epoch ms), null if never. */
  lastAnsweredMs: number | null;
  count: number | null;
  max: number | null;
  /** count / max × 100, null when either is unknown. */
  usagePercent: number | null;
  /**
   * Per second since the previous answered sample; null for a column before the second sample, when the column does
   * not exist on this kernel, or when the counter went down (module reloaded, host rebooted).
   */
  perSecond: Record<RateColumn, number | null>;
}

/** The /proc header of each rate column where it differs from the name shown. */
const procColumn: Record<RateColumn, string> = {
  drop: 'drop',
  early_drop: 'early_drop',
  insert_failed: 'insert_failed',
  chaintoolong: 'chainlength',
};

function rate(previous: TimedSample | null, current: TimedSample, column: RateColumn): number | null {
  const before = previous?.sample?.stats?.all[procColumn[column]];
  const now = current.sample?.stats?.all[procColumn[column]];
  if (before === undefined || now === undefined || !previous) return null;
  const seconds = (current.atMs - previous.atMs) / 1000;
  if (seconds <= 0 || now < before) return null;
  return (now - before) / seconds;
}

const noRates: Record<RateColumn, null> = { drop: null, early_drop: null, insert_failed: null, chaintoolong: null };

/**
 * The row of a host after `current`. `previous` is the host's last ANSWERED sample (rates span a gap in answers),
 * `lastRow` its row before `current` (a host that stops answering keeps its last known count, shown as stale).
 */
export function nextRow(previous: TimedSample | null, current: TimedSample, lastRow: WatchRow | null): WatchRow {
  const { sample } = current;
  if (!sample) {
    return {
      host: current.host,
      up: false,
      error: current.error ?? 'no answer',
      ...(current.errorKind && { errorKind: current.errorKind }),
      lastAnsweredMs: lastRow?.lastAnsweredMs ?? null,
      count: lastRow?.count ?? null,
      max: lastRow?.max ?? null,
      usagePercent: lastRow?.usagePercent ?? null,
      perSecond: noRates,
    };
  }
  const perSecond = Object.fromEntries(rateColumns.map((c) => [c, rate(previous, current, c)])) as Record<
    RateColumn,
    number | null
  >;
  return {
    host: current.host,
    up: true,
    error: null,
    lastAnsweredMs: current.atMs,
    count: sample.count,
    max: sample.max,
    usagePercent: tableUsagePercent(sample.count, sample.max),
    perSecond,
  };
}

/** Losses per second over every column the kernel has (0 when none is known yet). */
export function lossPerSecond(row: WatchRow): number {
  return rateColumns.reduce((sum, column) => sum + (row.perSecond[column] ?? 0), 0);
}
