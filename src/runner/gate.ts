/** The health gate after a batch: soak, then judge each changed host by its table usage and drop counters. */
import { setTimeout as sleep } from 'node:timers/promises';
import { gatherFacts } from '../facts/gather.js';
import type { HostFacts } from '../facts/types.js';
import { tableUsagePercent } from '../kernel/table-usage.js';
import type { GateSpec } from '../playbook/types.js';
import type { HostTarget } from '../transport/connection.js';
import type { ConnectionPool } from './connection-pool.js';
import type { EventListener } from './events.js';
import { forEachHost } from './for-each-host.js';

export interface GateOptions {
  gate: GateSpec;
  batch: number;
  /** Each changed host with the facts read before its change: the drop counters' baseline. */
  hosts: { target: HostTarget; before: HostFacts | null }[];
  /** Hosts read at once after the soak (--forks). */
  forks: number;
  pool: ConnectionPool;
  emit: EventListener;
  isInterrupted: () => boolean;
}

export interface GateFailure {
  host: string;
  reason: string;
}

/** Counters that grow when the table is full or an insert races: each one is a lost connection. */
export const dropCounters = ['drop', 'early_drop', 'insert_failed'] as const;

const interruptPollMs = 100;

/**
 * Pure: why a host fails the gate, or null. Usage is judged on `after`; new drops are the growth of the
 * drop counters since `before` (read before the change), summed, and judged only when both were readable.
 */
export function judgeGate(gate: GateSpec, before: HostFacts | null, after: HostFacts): string | null {
  const reasons: string[] = [];
  const usagePercent = tableUsagePercent(after.count, after.max);
  if (gate.max_usage_percent !== undefined && usagePercent !== null) {
    if (usagePercent > gate.max_usage_percent) {
      reasons.push(
        `table ${usagePercent.toFixed(1)}% full (${after.count} of ${after.max}) > ${gate.max_usage_percent}%`,
      );
    }
  }
  const allowed = gate.max_new_drops ?? 0;
  const beforeStats = before?.stats;
  if (beforeStats && after.stats) {
    const afterStats = after.stats;
    // a counter that went down was reset (module reloaded): it counts from zero again
    const grown = dropCounters.map(
      (c) => [c, afterStats[c] >= beforeStats[c] ? afterStats[c] - beforeStats[c] : afterStats[c]] as const,
    );
    const total = grown.reduce((sum, [, n]) => sum + n, 0);
    if (total > allowed) {
      const parts = grown.filter(([, n]) => n > 0).map(([c, n]) => `${c} +${n}`);
      reasons.push(`${total} new drops (${parts.join(', ')}) > ${allowed} allowed`);
    }
  }
  return reasons.length > 0 ? reasons.join('; ') : null;
}

/** Sleeps `ms`, ending early on an interrupt; true when the whole soak passed. */
async function soak(ms: number, isInterrupted: () => boolean): Promise<boolean> {
  const end = Date.now() + ms;
  for (let left = ms; left > 0; left = end - Date.now()) {
    if (isInterrupted()) return false;
    await sleep(Math.min(interruptPollMs, left));
  }
  return !isInterrupted();
}

/**
 * The hosts that failed; null when an interrupt ended the soak (no verdict: gate-end is not emitted). The hosts are
 * read through forEachHost, `forks` at a time, on the pool's connection; every one is read even after an interrupt
 * that comes once the soak passed (a read changes nothing, and a failing host must still be rolled back). A host
 * that cannot be read fails the gate.
 */
export async function runGate(options: GateOptions): Promise<GateFailure[] | null> {
  const { gate, batch, emit } = options;
  emit({ type: 'gate-start', batch, soakMs: gate.soakMs });
  if (!(await soak(gate.soakMs, options.isInterrupted))) return null;
  const before = new Map(options.hosts.map((h) => [h.target.name, h.before]));
  const read = async (target: HostTarget): Promise<HostFacts> =>
    gatherFacts(await options.pool.get(target), { files: [], rules: false });
  const reads = await forEachHost(
    options.hosts.map((h) => h.target),
    options.forks,
    () => false,
    read,
  );
  const failures = reads.flatMap((done): GateFailure[] => {
    const host = done.target.name;
    if (!done.ok) return [{ host, reason: `could not read the host after the soak: ${done.error}` }];
    const reason = judgeGate(gate, before.get(host) ?? null, done.value);
    return reason ? [{ host, reason }] : [];
  });
  emit({ type: 'gate-end', batch, failedHosts: failures });
  return failures;
}
