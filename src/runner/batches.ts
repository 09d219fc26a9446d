/** Splits hosts into rollout batches (Ansible `serial` semantics). Pure. */
import type { BatchSize } from '../playbook/types.js';
import { countIn, failedOutcomes, type HostOutcome, neverChangedOutcomes } from './outcome.js';

/** Number of hosts one batch size stands for, given the total: percentages round up, at least one host. */
export function batchCount(size: BatchSize, totalHosts: number): number {
  const count = typeof size === 'number' ? size : Math.ceil((Number.parseFloat(size) / 100) * totalHosts);
  return Math.max(1, Math.min(totalHosts, count));
}

/**
 * Hosts keep inventory order. As in Ansible, the last size repeats until every host is placed,
 * so `[1, "10%"]` on 50 hosts gives 1, 5, 5, … .
 */
export function splitBatches<T>(hosts: T[], serial: BatchSize[]): T[][] {
  const sizes = serial.length > 0 ? serial : (['100%'] as BatchSize[]);
  const batches: T[][] = [];
  let next = 0;
  for (let i = 0; next < hosts.length; i += 1) {
    const size = sizes[Math.min(i, sizes.length - 1)] as BatchSize;
    const count = batchCount(size, hosts.length);
    batches.push(hosts.slice(next, next + count));
    next += count;
  }
  return batches;
}

/** Ansible: the rollout stops only when the failed percentage EXCEEDS the threshold. */
export function exceedsFailThreshold(failed: number, total: number, maxFailPercent: number): boolean {
  if (failed === 0 || total === 0) return false;
  return (failed / total) * 100 > maxFailPercent;
}

export interface BatchLimits {
  /** max_fail_percentage: of the hosts the change was tried on. */
  maxFailPercent: number;
  /** max_unreachable_percent: of all the batch's hosts; undefined = unlimited. */
  maxUnreachablePercent?: number | undefined;
}

export interface BatchVerdict {
  /** Hosts where the change was tried and went wrong (failedOutcomes). */
  failed: number;
  /** Hosts the change was tried on: the batch minus the never-changed ones. */
  judged: number;
  /** Unreachable, or skipped because another run holds the lock (neverChangedOutcomes). */
  unreachable: number;
  total: number;
  /** Which threshold stopped the rollout; a failure stop wins (it is evidence against the change). */
  stoppedBy: 'failed' | 'unreachable' | null;
  /** Why the rollout stops, for messages and the hosts an abort rolls back; null when it goes on. */
  reason: string | null;
}

/**
 * Pure: judges one finished batch. A host that was never changed (unreachable, locked by another run) is no
 * evidence against the change, so it counts neither as failed nor in the share's denominator; it counts only
 * against `max_unreachable_percent`, of the whole batch. Both thresholds stop when EXCEEDED (Ansible semantics).
 */
export function judgeBatch(outcomes: readonly HostOutcome[], batch: number, limits: BatchLimits): BatchVerdict {
  const failed = countIn(outcomes, failedOutcomes);
  const unreachable = countIn(outcomes, neverChangedOutcomes);
  const total = outcomes.length;
  const judged = total - unreachable;
  const base = { failed, judged, unreachable, total };
  if (exceedsFailThreshold(failed, judged, limits.maxFailPercent)) {
    const ignored = unreachable > 0 ? `; ${unreachable} unreachable or locked not counted` : '';
    return {
      ...base,
      stoppedBy: 'failed',
      reason: `rollout stopped: ${failed} of ${judged} hosts of batch ${batch + 1} failed (more than ${limits.maxFailPercent}%${ignored})`,
    };
  }
  if (
    limits.maxUnreachablePercent !== undefined &&
    exceedsFailThreshold(unreachable, total, limits.maxUnreachablePercent)
  ) {
    const reason = `rollout stopped: ${unreachable} of ${total} hosts of batch ${batch + 1} unreachable or locked (more than max_unreachable_percent ${limits.maxUnreachablePercent}%)`;
    return { ...base, stoppedBy: 'unreachable', reason };
  }
  return { ...base, stoppedBy: null, reason: null };
}
