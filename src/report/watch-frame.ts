/**
 * One screen of `watch`, as lines: a header, a row per shown host, the summary of hidden hosts. Pure: the writer
 * (watch-screen.ts) only puts these lines on the terminal.
 *
 *   lab3  ██████████ 100.0%  65536/65536    drop 120.0/s  early_drop 0/s  insert_failed 0/s
 */
import { escapeControl, escapeMessage } from '../config/escape.js';
import { lossPerSecond, rateColumns, type WatchRow } from '../facts/sample-rates.js';
import { createPaint } from './paint.js';
import type { WatchLayout } from './watch-layout.js';

export interface WatchFrameOptions {
  /** Terminal columns; lines are cut to fit. */
  width: number;
  color: boolean;
  nowMs: number;
  intervalMs: number;
  /** Hosts watched and hosts answering, for the header; hosts without any sample yet are total − rows. */
  total: number;
  answering: number;
  usageWarnPercent: number;
}

export const barCells = 10;

/** `█████░░░░░` for a percentage (clamped to 0-100). */
export function usageBar(percent: number | null): string {
  if (percent === null) return '·'.repeat(barCells);
  const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * barCells);
  return '█'.repeat(filled) + '░'.repeat(barCells - filled);
}

function formatRate(perSecond: number): string {
  return perSecond >= 100
    ? perSecond.toFixed(0)
    : perSecond >= 10
      ? perSecond.toFixed(1)
      : perSecond === 0
        ? '0'
        : perSecond.toFixed(2);
}

function ratesText(row: WatchRow): string {
  const known = rateColumns.filter((c) => row.perSecond[c] !== null);
  if (known.length === 0) return 'rates after the next sample';
  return known.map((c) => `${c} ${formatRate(row.perSecond[c] ?? 0)}/s`).join('  ');
}

function ageText(nowMs: number, atMs: number | null): string {
  return atMs === null ? 'never answered' : `last answer ${Math.max(0, Math.round((nowMs - atMs) / 1000))}s ago`;
}

function rowLine(row: WatchRow, hostWidth: number, options: WatchFrameOptions): string {
  const paint = createPaint(options.color);
  const host = escapeControl(row.host).padEnd(hostWidth);
  const percent = row.usagePercent === null ? '    ?%' : `${row.usagePercent.toFixed(1).padStart(5)}%`;
  const counts = `${row.count ?? '?'}/${row.max ?? '?'}`.padEnd(15);
  const hot = row.usagePercent !== null && row.usagePercent >= options.usageWarnPercent;
  const usage = `${usageBar(row.usagePercent)} ${percent}`;
  if (!row.up) {
    const why = escapeMessage(row.error ?? 'no answer');
    return `${paint.red(host)}  ${paint.dim(usage)}  ${paint.dim(counts)}  ${paint.red(`NOT ANSWERING (${ageText(options.nowMs, row.lastAnsweredMs)}): ${why}`)}`;
  }
  const rates = ratesText(row);
  return `${host}  ${hot ? paint.yellow(usage) : usage}  ${counts}  ${lossPerSecond(row) > 0 ? paint.red(rates) : paint.dim(rates)}`;
}

function hiddenLine(layout: WatchLayout): string | null {
  const hidden = layout.hidden;
  if (!hidden) return null;
  const fullest = hidden.maxUsagePercent === null ? '' : `, fullest ${hidden.maxUsagePercent.toFixed(1)}%`;
  return `… ${hidden.hosts} more hosts (${hidden.down} not answering, ${hidden.losing} dropping${fullest}) — enlarge the terminal to see them`;
}

const sgrPattern = /(\x1b\[[0-9;]*m)/;

/**
 * Cut to `width` visible code points, keeping the colour sequences (never counted, never cut in half); a cut line
 * that had colour ends with a reset so the colour does not run on.
 */
export function fit(line: string, width: number): string {
  const parts = line.split(sgrPattern);
  const visible = parts.filter((_, i) => i % 2 === 0).join('');
  if ([...visible].length <= width) return line;
  let left = Math.max(1, width - 1);
  let out = '';
  parts.forEach((part, i) => {
    const kept = i % 2 === 1 ? part : [...part].slice(0, left).join('');
    if (i % 2 === 0) left -= [...kept].length;
    out += kept;
  });
  return `${out}…${parts.length > 1 ? '\x1b[0m' : ''}`;
}

export function renderWatchFrame(layout: WatchLayout, options: WatchFrameOptions): string[] {
  const hostWidth = Math.max(4, ...layout.shown.map((r) => escapeControl(r.host).length));
  const time = new Date(options.nowMs).toISOString().slice(11, 19);
  const rows = layout.shown.length + (layout.hidden?.hosts ?? 0);
  const waiting = options.total > rows ? `, ${options.total - rows} connecting` : '';
  const header =
    `conntrack-fleet watch  ${time} UTC  every ${options.intervalMs / 1000}s  ` +
    `${options.answering}/${options.total} answering${waiting}  (worst first; Ctrl-C to quit)`;
  const lines = [header, ...layout.shown.map((r) => rowLine(r, hostWidth, options))];
  const hidden = hiddenLine(layout);
  if (hidden) lines.push(hidden);
  return lines.map((l) => fit(l, options.width));
}
