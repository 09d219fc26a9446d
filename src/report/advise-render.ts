/** advise output: a block per host (numbers, then one line per factor) or JSON. Pure: returns text. */
import { escapeControl, escapeMessage } from '../config/escape.js';
import { toAdviseJson } from './advise-json.js';
import type { HostAdvice } from '../advise/advise-host.js';
import type { AdviseResult } from '../runner/advise-hosts.js';
import { createPaint } from './paint.js';

export type { AdviseResult };

function change(name: string, before: number | null | undefined, after: number): string {
  return before === after ? `${name} ${after} (kept)` : `${name} ${before ?? '?'} → ${after}`;
}

function headline(advice: HostAdvice): string {
  const parts = [
    change('nf_conntrack_max', advice.current.max, advice.max ?? 0),
    change('buckets', advice.current.buckets, advice.buckets ?? 0),
  ];
  const timeouts = Object.entries(advice.timeouts).map(([name, s]) => change(name, advice.current.timeouts[name], s));
  parts.push(...(timeouts.length > 0 ? timeouts : ['timeouts kept']));
  return parts.join('  ');
}

/** `quiet` (--quiet): only the hosts without advice (unreachable, unread, refused), without reasons, and the summary. */
export function renderAdviceText(results: AdviseResult[], color: boolean, options: { quiet?: boolean } = {}): string {
  const paint = createPaint(color);
  const lines: string[] = [];
  for (const result of results) {
    const host = escapeControl(result.host);
    if (!result.advice) {
      lines.push(
        `${paint.red(`${host}!`)}  ${result.reachable ? 'not read' : 'unreachable'}: ${escapeMessage(result.error ?? 'unknown error')}`,
      );
      continue;
    }
    const { advice } = result;
    if (options.quiet === true) {
      if (advice.refusal) lines.push(`${paint.red(`${host}!`)}  no advice: ${escapeMessage(advice.refusal)}`);
      continue;
    }
    lines.push(
      advice.refusal
        ? `${paint.red(`${host}!`)}  no advice: ${escapeMessage(advice.refusal)}`
        : `${paint.bold(host)}  ${headline(advice)}`,
    );
    for (const reason of advice.reasons) lines.push(`  ${paint.dim(escapeMessage(reason))}`);
  }
  const advised = results.filter((r) => r.advice?.refusal === null).length;
  const hosts = `${results.length} ${results.length === 1 ? 'host' : 'hosts'}`;
  lines.push(`${hosts}: ${advised} advised, ${results.length - advised} without advice`);
  return `${lines.join('\n')}\n`;
}

export function renderAdviceJson(results: AdviseResult[]): string {
  return `${JSON.stringify(toAdviseJson(results), null, 2)}\n`;
}
