/** One host's answer to `check`, and the alarm rules that make `check` usable from cron or a monitoring probe. */
import type { HostErrorKind } from '../errors.js';
import type { HostFacts } from './types.js';

export interface CheckResult {
  host: string;
  reachable: boolean;
  /** Why the host could not be read (unreachable, auth, host key …), else null. */
  error: string | null;
  facts: HostFacts | null;
  /** Why, as data, when the host could not be read (errors.ts HostErrorKind: a ConnectFailure such as 'become', or 'gather'). */
  errorKind?: HostErrorKind;
  /** The alarm rules this host breaks (findCheckAlarms), e.g. "usage 100.0% ≥ 90%"; absent or [] = none. */
  alarms?: string[];
}

export interface CheckAlarmOptions {
  /** A table at least this full (count / max × 100) is an alarm; `--fail-above-percent`, default 90. */
  failAbovePercent: number;
}

export const defaultFailAbovePercent = 90;

/**
 * Counters of /proc/net/stat/nf_conntrack that only move when conntrack loses packets or entries (where
 * net/netfilter/nf_conntrack_core.c increments them): `drop` — a new entry could not be allocated ("table full,
 * dropping packet"); `early_drop` — an entry evicted to make room; `insert_failed` — an entry that could not be
 * confirmed (a clash), its packet may be dropped.
 */
const lossCounters = [
  {
    column: 'drop',
    text: (n: number) => `${n} ${n === 1 ? 'drop' : 'drops'} (packets dropped: table full or entry not created)`,
  },
  { column: 'early_drop', text: (n: number) => `${n} early_drop (entries evicted to make room: the table is full)` },
  { column: 'insert_failed', text: (n: number) => `${n} insert_failed (entries that could not be inserted)` },
] as const;

/**
 * The alarms of one host, in a fixed order: usage at or above `failAbovePercent` of nf_conntrack_max, then every
 * non-zero loss counter (summed over CPUs since boot). [] when healthy or when nothing could be read.
 * Shape: ["usage 100.0% ≥ 90% (65536 of nf_conntrack_max 65536)", "1234 drops (…)"].
 */
export function findCheckAlarms(facts: HostFacts, options: CheckAlarmOptions): string[] {
  const alarms: string[] = [];
  if (facts.count !== null && facts.max !== null && facts.max > 0) {
    // the exact ratio decides: 89.96% shows as 90.0% but is not at 90%
    const exactPercent = (facts.count / facts.max) * 100;
    if (exactPercent >= options.failAbovePercent) {
      const shown = (Math.round(exactPercent * 10) / 10).toFixed(1);
      alarms.push(`usage ${shown}% ≥ ${options.failAbovePercent}% (${facts.count} of nf_conntrack_max ${facts.max})`);
    }
  }
  for (const counter of lossCounters) {
    const value = facts.stats?.[counter.column] ?? 0;
    if (value > 0) alarms.push(counter.text(value));
  }
  return alarms;
}

/** The result with its alarms filled in (a host that did not answer has none: it fails as unreachable). */
export function withAlarms(result: CheckResult, options: CheckAlarmOptions): CheckResult {
  return { ...result, alarms: result.facts ? findCheckAlarms(result.facts, options) : [] };
}
