/** Parses /proc/net/stat/nf_conntrack: a header naming the columns, then one row of hex values per CPU. Pure. */
import type { ConntrackStats } from './types.js';

const hexCell = /^[0-9a-f]+$/i;

// `entries` is the table-wide count repeated on every CPU row, so summing it would multiply it
const globalColumns = new Set(['entries']);

function isHeader(cells: string[]): boolean {
  return cells.length > 0 && cells.some((c) => !hexCell.test(c)) && cells.every((c) => /^[a-z_]+$/i.test(c));
}

function isRow(cells: string[], width: number): boolean {
  return cells.length === width && cells.every((c) => hexCell.test(c));
}

function combine(column: string, total: number | undefined, value: number): number {
  if (total === undefined) return value;
  return globalColumns.has(column) ? Math.max(total, value) : total + value;
}

/** Sums every column over the CPU rows; null when there is no header or no row. */
export function parseConntrackStats(text: string): ConntrackStats | null {
  let header: string[] | null = null;
  let rows = 0;
  const all: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const cells = line.trim().split(/\s+/).filter(Boolean);
    if (!header) {
      if (isHeader(cells)) header = cells;
      continue;
    }
    if (!isRow(cells, header.length)) continue;
    rows += 1;
    header.forEach((column, index) => {
      all[column] = combine(column, all[column], Number.parseInt(cells[index] ?? '0', 16));
    });
  }
  if (!header || rows === 0) return null;
  return { drop: all['drop'] ?? 0, early_drop: all['early_drop'] ?? 0, insert_failed: all['insert_failed'] ?? 0, all };
}
