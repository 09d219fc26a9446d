/** What the watch sample script (src/facts/sample-script.ts) prints, in records of a token, for parser and runner tests. */
import { sampleDoneKind } from '../../src/facts/sample-script.js';

export interface SampleParts {
  /** grep -H's `PATH:VALUE` lines. */
  knobs?: string[];
  /** The statistics file's lines; no block when undefined (file missing). */
  stats?: string[];
  /** `value NAME VALUE` records (the peak fragment's). */
  values?: Record<string, string>;
  /** The last record; false = output cut short. Default true. */
  done?: boolean;
}

export function sampleOutput(token: string, parts: SampleParts): string {
  const record = (text: string) => `@@cf ${token} ${text}\n`;
  const block = (name: string, lines: string[]) =>
    `${record(`begin ${name}`)}${lines.map((line) => `${line}\n`).join('')}${record('end')}`;
  return [
    block('knobs', parts.knobs ?? []),
    parts.stats === undefined ? '' : block('stats', parts.stats),
    ...Object.entries(parts.values ?? {}).map(([name, value]) => record(`value ${name} ${value}`)),
    parts.done === false ? '' : record(sampleDoneKind),
  ].join('');
}

/** A sample answer of `count` and `max` in the token of the script it answers (cf_tok=…, remote/records.ts). */
export function sampleReply(count: number, max: number, values: Record<string, string> = {}) {
  return (script: string): { stdout: string } => {
    const token = /cf_tok=([0-9a-f]{16})/.exec(script)?.[1] ?? '';
    const knobs = [
      `/proc/sys/net/netfilter/nf_conntrack_count:${count}`,
      `/proc/sys/net/netfilter/nf_conntrack_max:${max}`,
    ];
    return { stdout: sampleOutput(token, { knobs, values }) };
  };
}
