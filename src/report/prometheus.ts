/**
 * `check --prometheus FILE`: the fleet's state in the Prometheus text exposition format (version 0.0.4), one series
 * per host, for node_exporter's textfile collector. prom-client renders it (escaping, HELP/TYPE lines, names);
 * a fresh Registry per call, so nothing is kept between checks. Kernel counters are absolute since boot, so
 * each *_total counter is incremented once from zero to the kernel's value.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { CheckResult } from '../facts/check-result.js';

export const metricPrefix = 'conntrack_fleet_';
const labelNames = ['host', 'groups'] as const;
type Labels = Record<(typeof labelNames)[number], string>;

/**
 * `groups` holds every inventory group of the host but `all`, sorted, joined with commas and framed by them
 * (`,db,prod,`), as Prometheus's Consul discovery joins tags, so `groups=~".*,prod,.*"` selects a group.
 */
export function groupsLabel(groups: readonly string[]): string {
  const names = [...new Set(groups.filter((g) => g !== 'all'))].sort();
  return names.length === 0 ? '' : `,${names.join(',')},`;
}

function makeMetrics(registry: Registry) {
  const gauge = (name: string, help: string) =>
    new Gauge({ name: `${metricPrefix}${name}`, help, labelNames, registers: [registry] });
  const counter = (name: string, help: string) =>
    new Counter({ name: `${metricPrefix}${name}`, help, labelNames, registers: [registry] });
  return {
    entries: gauge('entries', 'Connection tracking entries in use (nf_conntrack_count).'),
    limit: gauge('entries_limit', 'Largest number of entries (nf_conntrack_max).'),
    buckets: gauge('buckets', 'Hash table size (nf_conntrack_buckets).'),
    usage: gauge('usage_ratio', 'nf_conntrack_count / nf_conntrack_max, 0 to 1.'),
    drop: counter(
      'stat_drop_total',
      'Packets dropped because no entry could be created (/proc/net/stat/nf_conntrack drop, all CPUs).',
    ),
    earlyDrop: counter('stat_early_drop_total', 'Entries evicted to make room in a full table (early_drop, all CPUs).'),
    insertFailed: counter('stat_insert_failed_total', 'Entries that could not be inserted (insert_failed, all CPUs).'),
    up: gauge('up', '1 when conntrack-fleet read the host, 0 when it was unreachable or could not be read.'),
    timestamp: gauge('check_timestamp_seconds', 'When the check that wrote these values ended, Unix time in seconds.'),
  };
}

type Metrics = ReturnType<typeof makeMetrics>;

function setIfKnown(metric: Gauge | Counter, labels: Labels, value: number | null | undefined): void {
  if (value === null || value === undefined) return;
  if (metric instanceof Counter) metric.inc(labels, value);
  else metric.set(labels, value);
}

function recordHost(metrics: Metrics, result: CheckResult, labels: Labels, nowSeconds: number): void {
  const facts = result.facts;
  metrics.up.set(labels, facts ? 1 : 0);
  metrics.timestamp.set(labels, nowSeconds);
  if (!facts) return;
  setIfKnown(metrics.entries, labels, facts.count);
  setIfKnown(metrics.limit, labels, facts.max);
  setIfKnown(metrics.buckets, labels, facts.buckets);
  setIfKnown(metrics.usage, labels, facts.count !== null && facts.max ? facts.count / facts.max : null);
  setIfKnown(metrics.drop, labels, facts.stats?.drop);
  setIfKnown(metrics.earlyDrop, labels, facts.stats?.early_drop);
  setIfKnown(metrics.insertFailed, labels, facts.stats?.insert_failed);
}

/** The exposition text for every result; `groupsOf` gives a host's inventory groups; `nowMs` the check's end. */
export async function renderPrometheus(
  results: readonly CheckResult[],
  groupsOf: (host: string) => readonly string[],
  nowMs: number,
): Promise<string> {
  const registry = new Registry();
  const metrics = makeMetrics(registry);
  for (const result of results) {
    recordHost(
      metrics,
      result,
      { host: result.host, groups: groupsLabel(groupsOf(result.host)) },
      Math.floor(nowMs / 1000),
    );
  }
  return registry.metrics();
}
