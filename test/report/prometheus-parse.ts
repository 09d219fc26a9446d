/**
 * A strict reader of the Prometheus text exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/)
 * for tests: every line must be a HELP, TYPE, blank or sample line, names and label names must match the data model's
 * regexes (https://prometheus.io/docs/concepts/data_model/), samples must follow their TYPE. Throws on anything else.
 */
import { spawnSync } from 'node:child_process';

export const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export interface ParsedSample {
  labels: Record<string, string>;
  value: number;
}

export interface ParsedMetric {
  type: string;
  help: string;
  samples: ParsedSample[];
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pattern = /\s*([^=\s]+)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match || !match[1]) throw new Error(`bad labels in: ${line}`);
    if (!labelNamePattern.test(match[1]) || match[1].startsWith('__'))
      throw new Error(`bad label name ${match[1]} in: ${line}`);
    labels[match[1]] = (match[2] ?? '').replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    at = pattern.lastIndex;
  }
  return labels;
}

export function parseExposition(text: string): Map<string, ParsedMetric> {
  const metrics = new Map<string, ParsedMetric>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind = '', name = '', rest = ''] = meta;
      if (!metricNamePattern.test(name)) throw new Error(`bad metric name: ${line}`);
      const metric = metrics.get(name) ?? { type: 'untyped', help: '', samples: [] };
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest))
          throw new Error(`bad type: ${line}`);
        metric.type = rest;
      } else metric.help = rest;
      metrics.set(name, metric);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (!sample || !sample[1]) throw new Error(`not a sample line: ${line}`);
    const metric = metrics.get(sample[1]);
    if (!metric) throw new Error(`sample before its TYPE: ${line}`);
    const value = Number(sample[3]);
    if (Number.isNaN(value) && sample[3] !== 'NaN') throw new Error(`bad value: ${line}`);
    metric.samples.push({ labels: parseLabels(sample[2] ?? '', line), value });
  }
  return metrics;
}

/** `promtool check metrics` on the text: null when promtool is not installed (Debian: prometheus), else its verdict. */
export function promtoolCheck(text: string): { ok: boolean; output: string } | null {
  const probe = spawnSync('promtool', ['--version'], { stdio: 'ignore' });
  if (probe.error) return null;
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}
