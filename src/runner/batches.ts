/** Splits hosts into rollout batches (Ansible `serial` semantics). Pure. */
import type { BatchSize } from '../playbook/types.js';

/** Number of hosts one batch size stands for, given the total: percentages round up, at least one host. */
export function batchCount(size: BatchSize, totalHosts: number): number {
  const count =
    typeof size === 'number' ? size : Math.ceil((Number.parseFloat(size) / 100) * totalHosts);
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
