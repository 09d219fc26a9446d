/** `check` as text: one compact line per host, flags that stay visible without color, a final count. Pure. */
import type { CheckResult } from '../facts/check-result.js';
import { tableUsagePercent } from '../kernel/table-usage.js';
import { type CheckJson, toCheckJson } from './check-json.js';
import type { ReportFormat } from './format.js';
import { createPaint, type Paint } from './paint.js';
import { stringifyJson } from '../config/escape.js';

export const defaultUsageWarnPercent = 80;

export interface CheckRenderOptions {
  format: ReportFormat;
  color: boolean;
  usageWarnPercent?: number;
}

export interface CheckLineOptions {
  /** Host names are padded to this width so the columns line up. */
  hostWidth: number;
  paint: Paint;
  usageWarnPercent: number;
}

export function renderCheck(results: CheckResult[], options: CheckRenderOptions): string {
  if (options.format === 'json') return `${stringifyJson(results.map(toCheckJson))}\n`;
  const lineOptions: CheckLineOptions = {
    hostWidth: hostColumnWidth(results.map((r) => r.host)),
    paint: createPaint(options.color),
    usageWarnPercent: options.usageWarnPercent ?? defaultUsageWarnPercent,
  };
  const lines = results.flatMap((r) => formatCheckBlock(r, lineOptions));
  return `${[...lines, formatCheckSummary(results)].join('\n')}\n`;
}

export function hostColumnWidth(hosts: string[]): number {
  return Math.max(0, ...hosts.map((h) => h.length));
}

/** `WARN: usage 91.2% ≥ 80%`, `WARN: 12 drops`, `WARN: 3 insert_failed`: empty when the host looks healthy. */
export function findCheckWarnings(json: CheckJson, usageWarnPercent: number): string[] {
  const conntrack = json.conntrack;
  if (!conntrack) return [];
  const warnings: string[] = [];
  const usage = conntrack.usage_percent;
  // compare the exact ratio: 79.99% shows as 80.0% but is not over an 80% threshold
  const exact = tableUsagePercent(conntrack.count, conntrack.max);
  if (usage !== null && exact !== null && exact >= usageWarnPercent)
    warnings.push(`WARN: usage ${usage.toFixed(1)}% ≥ ${usageWarnPercent}%`);
  if ((conntrack.stats.drop ?? 0) > 0) warnings.push(`WARN: ${conntrack.stats.drop} drops`);
  if ((conntrack.stats.early_drop ?? 0) > 0) warnings.push(`WARN: ${conntrack.stats.early_drop} early_drop`);
  if ((conntrack.stats.insert_failed ?? 0) > 0) warnings.push(`WARN: ${conntrack.stats.insert_failed} insert_failed`);
  return warnings;
}

/** The host line, then one indented line per problem: alarms (what fails `check`) bold red, the rest dim. */
export function formatCheckBlock(result: CheckResult, options: CheckLineOptions): string[] {
  const json = toCheckJson(result);
  const indent = ' '.repeat(options.hostWidth + 2);
  const alarmCount = (result.alarms ?? []).length;
  const { paint } = options;
  const problems = json.problems.map((p, i) =>
    i < alarmCount ? `${indent}${paint.bold(paint.red(`problem: ${p}`))}` : `${indent}${paint.dim(`problem: ${p}`)}`,
  );
  return [formatCheckLine(json, options), ...problems];
}

export function formatCheckLine(json: CheckJson, options: CheckLineOptions): string {
  const { paint } = options;
  const host = json.host.padEnd(options.hostWidth);
  if (!json.reachable || json.conntrack === null) {
    return `${host}! ${paint.red(`unreachable: ${json.error ?? 'no answer'}`)}`;
  }
  const body = describeConntrack(json);
  const warnings = findCheckWarnings(json, options.usageWarnPercent);
  if (warnings.length === 0 && !json.alarm) return `${host}  ${body}`;
  return `${paint.bold(`${host}!`)} ${paint.yellow(body)}  ${paint.bold(paint.yellow(warnings.join('  ')))}`;
}

const show = (value: number | string | null | undefined): string =>
  value === null || value === undefined || value === '' ? '?' : String(value);

const yesNo = (value: boolean | null): string => (value === null ? '?' : value ? 'yes' : 'no');

function describeConntrack(json: CheckJson): string {
  const c = json.conntrack as NonNullable<CheckJson['conntrack']>;
  const usage = c.usage_percent === null ? '?%' : `${c.usage_percent.toFixed(1)}%`;
  return [
    show(json.kernel),
    c.presence,
    `count ${show(c.count)}/${show(c.max)} (${usage})`,
    `buckets ${show(c.buckets)}`,
    `hashsize ${show(c.hashsize)}`,
    `drops ${show(c.stats.drop)}`,
    `tcp_est ${show(c.timeouts['tcp_timeout_established'])} tw ${show(c.timeouts['tcp_timeout_time_wait'])}`,
    `nat-modules ${json.modules.length}`,
    `nat-rules ${yesNo(json.nat_rules_in_use)}`,
    `kube-proxy ${yesNo(json.kube_proxy)}`,
  ].join('  ');
}

/** `5 hosts: 5 answered` / `5 hosts: 4 answered, 1 unreachable, 2 with problems`. */
export function formatCheckSummary(results: CheckResult[]): string {
  const answered = results.filter((r) => r.reachable && r.facts !== null).length;
  const unreachable = results.length - answered;
  const alarmed = results.filter((r) => (r.alarms ?? []).length > 0).length;
  const parts = [
    `${answered} answered`,
    ...(unreachable > 0 ? [`${unreachable} unreachable`] : []),
    ...(alarmed > 0 ? [`${alarmed} with problems`] : []),
  ];
  return `${results.length} ${results.length === 1 ? 'host' : 'hosts'}: ${parts.join(', ')}`;
}
