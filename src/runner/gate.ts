/** The health gate between batches: soak, then judge each changed host by its usage and drop counters. */
import { errorMessage } from '../errors.js';
import { gatherFacts } from '../facts/gather.js';
import type { HostFacts } from '../facts/types.js';
import type { GateSpec } from '../playbook/types.js';
import type { HostTarget } from '../transport/connection.js';
import type { ConnectionPool } from './connection-pool.js';
import type { EventListener } from './events.js';
import type { HostRunRecord } from './host-run.js';

export interface GateOptions {
  gate: GateSpec;
  batch: number;
  records: HostRunRecord[];
  targets: HostTarget[];
  pool: ConnectionPool;
  emit: EventListener;
}

export interface GateFailure {
  host: string;
  reason: string;
}

/** Pure: why a host fails the gate, or null. */
export function judgeGate(gate: GateSpec, before: HostFacts, after: HostFacts): string | null {
  const reasons: string[] = [];
  if (gate.max_usage_percent !== undefined && after.count !== null && after.max) {
    const usage = (after.count / after.max) * 100;
    if (usage > gate.max_usage_percent) reasons.push(`usage ${usage.toFixed(1)}% > ${gate.max_usage_percent}%`);
  }
  const allowed = gate.max_new_drops ?? 0;
  for (const counter of ['drop', 'early_drop', 'insert_failed'] as const) {
    const grown = (after.stats?.[counter] ?? 0) - (before.stats?.[counter] ?? 0);
    if (grown > allowed) reasons.push(`${counter} grew by ${grown} (allowed ${allowed})`);
  }
  return reasons.length > 0 ? reasons.join(', ') : null;
}

async function readFacts(options: GateOptions, host: string): Promise<HostFacts | string> {
  const target = options.targets.find((t) => t.name === host);
  if (!target) return `unknown host ${host}`;
  try {
    return await gatherFacts(await options.pool.get(target), { files: [] });
  } catch (error) {
    return `could not read the host: ${errorMessage(error)}`;
  }
}

export async function runGate(options: GateOptions): Promise<GateFailure[]> {
  const { gate, batch, emit } = options;
  const hosts = options.records.map((r) => r.result.host);
  const baseline = await Promise.all(hosts.map((h) => readFacts(options, h)));
  emit({ type: 'gate-start', batch, soakMs: gate.soakMs });
  await new Promise((resolve) => setTimeout(resolve, gate.soakMs));
  const after = await Promise.all(hosts.map((h) => readFacts(options, h)));
  const failures: GateFailure[] = [];
  hosts.forEach((host, i) => {
    const b = baseline[i];
    const a = after[i];
    if (typeof b === 'string' || typeof a === 'string') failures.push({ host, reason: typeof b === 'string' ? b : (a as string) });
    else {
      const reason = judgeGate(gate, b as HostFacts, a as HostFacts);
      if (reason) failures.push({ host, reason });
    }
  });
  emit({ type: 'gate-end', batch, failedHosts: failures });
  return failures;
}
