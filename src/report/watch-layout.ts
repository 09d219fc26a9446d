/**
 * What fits on the screen: rows sorted worst first, hosts beyond the terminal's height summarised. Pure.
 * Worst = not answering, then losing entries/packets fastest, then fullest; ties by name so the order is stable.
 */
import { lossPerSecond, type WatchRow } from '../facts/sample-rates.js';

export function compareWorstFirst(a: WatchRow, b: WatchRow): number {
  if (a.up !== b.up) return a.up ? 1 : -1;
  const loss = lossPerSecond(b) - lossPerSecond(a);
  if (loss !== 0) return loss;
  const usage = (b.usagePercent ?? -1) - (a.usagePercent ?? -1);
  if (usage !== 0) return usage;
  return a.host < b.host ? -1 : a.host > b.host ? 1 : 0;
}

export interface HiddenSummary {
  hosts: number;
  down: number;
  losing: number;
  /** The fullest hidden host's usage, null when none is known. */
  maxUsagePercent: number | null;
}

export interface WatchLayout {
  shown: WatchRow[];
  hidden: HiddenSummary | null;
}

/**
 * Sorts worst first and keeps `rowBudget` lines: when the rows do not fit, the last line becomes a summary of the
 * rest (so `shown.length + 1 <= rowBudget`). A budget below 1 still shows one summary line.
 */
export function layoutRows(rows: readonly WatchRow[], rowBudget: number): WatchLayout {
  const sorted = [...rows].sort(compareWorstFirst);
  if (sorted.length <= rowBudget) return { shown: sorted, hidden: null };
  const keep = Math.max(0, rowBudget - 1);
  const rest = sorted.slice(keep);
  const usages = rest.map((r) => r.usagePercent).filter((u): u is number => u !== null);
  return {
    shown: sorted.slice(0, keep),
    hidden: {
      hosts: rest.length,
      down: rest.filter((r) => !r.up).length,
      losing: rest.filter((r) => lossPerSecond(r) > 0).length,
      maxUsagePercent: usages.length > 0 ? Math.max(...usages) : null,
    },
  };
}
