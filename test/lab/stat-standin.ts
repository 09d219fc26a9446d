/**
 * The stand-in for /proc/net/stat/nf_conntrack: the per-netns counters cannot be faked in /proc, so each lab
 * host's sshd exports CONNTRACK_FLEET_STAT_FILE (sshd_config SetEnv) pointing at this file, which the gather
 * script reads instead. Same format as the kernel's: a header naming the columns, then one row of 8-digit hex
 * values per CPU, with the kernel's spacing. Pure text functions; the lab writes and bumps the file.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export const kernelStatFile = '/proc/net/stat/nf_conntrack';

/** The 6.18 header, for machines without a readable stat file. */
export const fallbackStatHeader =
  'entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart';

export interface StatLayout {
  header: string;
  cpus: number;
}

/** The header and CPU row count of this machine's real stat file, else the fallback header and os.cpus(). */
export function machineStatLayout(file = kernelStatFile): StatLayout {
  try {
    const [header, ...rows] = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    if (header && rows.length > 0) return { header, cpus: rows.length };
  } catch {
    // not readable here: fall back
  }
  return { header: fallbackStatHeader, cpus: Math.max(1, os.cpus().length) };
}

/** Words and the whitespace between them, so a row keeps the header's spacing. */
function tokens(line: string): string[] {
  return line.split(/(\s+)/);
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

/** Every counter 0 except `entries` (the table-wide count, repeated on every CPU row as the kernel does). */
export function renderStatFile(layout: StatLayout, entries: number): string {
  const row = tokens(layout.header)
    .map((token, i) => (i % 2 === 1 ? token : hex8(token === 'entries' ? entries : 0)))
    .join('');
  return `${[layout.header, ...Array.from({ length: layout.cpus }, () => row)].join('\n')}\n`;
}

/** Adds `amount` to `column` on the first CPU row (the parser sums the rows, so one row is enough). */
export function addToStatColumn(text: string, column: string, amount: number): string {
  const lines = text.split('\n');
  const headerTokens = tokens(lines[0] ?? '');
  const index = headerTokens.indexOf(column);
  if (index < 0 || index % 2 === 1) throw new Error(`no column ${column} in the stat stand-in header: ${lines[0]}`);
  const rowTokens = tokens(lines[1] ?? '');
  const current = Number.parseInt(rowTokens[index] ?? '', 16);
  if (!Number.isInteger(amount) || amount < 0 || Number.isNaN(current))
    throw new Error(`cannot add ${amount} to ${column}`);
  rowTokens[index] = hex8(current + amount);
  lines[1] = rowTokens.join('');
  return lines.join('\n');
}
