/**
 * Statistics, the printed table and the JSON file of the comparison benchmark (pure but for the file write).
 * Ratios divide medians: a row's wall time over the ssh2 floor, the hand-written OpenSSH script and Ansible.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Sample } from './tools.js';

/** What the untimed census round saw on the remote side, per host. */
export interface Census {
  /** sshd "Connection from" lines per host: min and max over the fleet. */
  connections: [number, number];
  /** sshd "Starting session" lines (channels that ran a command or shell) per host: min and max. */
  channels: [number, number];
  /** Successful execve calls on the traced host (its listener, sshd and everything below), null when not counted. */
  execs: number | null;
}

export interface RowResult {
  id: string;
  label: string;
  samples: Sample[];
  census: Census | null;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted.at(-1) as number };
}

export interface RowSummary {
  id: string;
  label: string;
  wallS: Spread;
  cpuS: Spread;
  maxRssMb: Spread;
  machineCpuS: Spread;
  vsFloor: number | null;
  vsByHand: number | null;
  vsAnsible: number | null;
  failedRepetitions: number;
  census: Census | null;
  summaries: string[];
}

export function summarize(rows: RowResult[]): RowSummary[] {
  const medianOf = (id: string): number | null => {
    const row = rows.find((r) => r.id === id);
    const median = row ? spread(row.samples.map((s) => s.wallS)).median : Number.NaN;
    return Number.isNaN(median) ? null : median;
  };
  const [floor, byHand, ansible] = [medianOf('ssh2-floor'), medianOf('by-hand'), medianOf('ansible')];
  return rows.map((row) => {
    const wallS = spread(row.samples.map((s) => s.wallS));
    const ratio = (base: number | null): number | null => (base && row.id !== 'startup' ? wallS.median / base : null);
    return {
      id: row.id,
      label: row.label,
      wallS,
      cpuS: spread(row.samples.map((s) => s.cpuS)),
      maxRssMb: spread(row.samples.map((s) => s.maxRssMb)),
      machineCpuS: spread(row.samples.map((s) => s.machineCpuS ?? Number.NaN)),
      vsFloor: ratio(floor),
      vsByHand: ratio(byHand),
      vsAnsible: ratio(ansible),
      failedRepetitions: row.samples.filter((s) => !s.ok).length,
      census: row.census,
      summaries: [...new Set(row.samples.map((s) => s.summary))],
    };
  });
}

const fixed = (n: number | null, digits: number): string => (n === null || Number.isNaN(n) ? '–' : n.toFixed(digits));
const range = ([a, b]: [number, number]): string => (a === b ? String(a) : `${a}–${b}`);

export function renderTable(summaries: RowSummary[]): string {
  const header = [
    'row',
    'wall s (median, min–max)',
    '× floor',
    '× script',
    '× Ansible',
    'peak RSS MB',
    'CPU s',
    'machine CPU s',
    'conns/host',
    'channels/host',
    'execs/host',
    'failed',
  ];
  const lines = summaries.map((s) => [
    s.label,
    `${fixed(s.wallS.median, 2)} (${fixed(s.wallS.min, 2)}–${fixed(s.wallS.max, 2)})`,
    fixed(s.vsFloor, 1),
    fixed(s.vsByHand, 2),
    fixed(s.vsAnsible, 2),
    fixed(s.maxRssMb.median, 0),
    fixed(s.cpuS.median, 2),
    fixed(s.machineCpuS.median, 2),
    s.census ? range(s.census.connections) : '–',
    s.census ? range(s.census.channels) : '–',
    s.census?.execs === null || s.census === null ? '–' : String(s.census.execs),
    String(s.failedRepetitions),
  ]);
  const table = [header, header.map(() => '---'), ...lines];
  return table.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export function writeResults(dir: string, hosts: number, document: object): string {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace(':', '');
  const file = path.join(dir, `${stamp}-${hosts}.json`);
  // milliseconds and kilobytes are plenty: keeps the committed files small and readable
  const rounded = (_key: string, value: unknown): unknown =>
    typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
  writeFileSync(file, `${JSON.stringify(document, rounded, 2)}\n`);
  return file;
}
