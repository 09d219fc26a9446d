/**
 * What happens to a batch's changed hosts after it ends: the health gate (runner/gate.ts), and the rollbacks that a
 * failed gate or `on_abort` asks for, each one through forEachHost and verified (restore.ts restoreVerdict).
 */
import type { HostErrorKind } from '../errors.js';
import type { Playbook } from '../playbook/types.js';
import type { HostTarget } from '../transport/connection.js';
import type { ConnectionPool } from './connection-pool.js';
import type { EventListener } from './events.js';
import { forEachHost } from './for-each-host.js';
import { runGate } from './gate.js';
import type { HostRunRecord } from './host-run.js';
import { changedOutcomes } from './outcome.js';
import { restoreHost, restoreVerdict } from './restore.js';
import { markRolledBack } from './step-results.js';

/** The part of the fleet's options the gate and the rollbacks use. */
export interface BatchEndOptions {
  playbook: Playbook;
  targets: HostTarget[];
  forks: number;
  pool: ConnectionPool;
  emit: EventListener;
  isInterrupted: () => boolean;
}

/** Hosts that fail the gate are rolled back at once, like any failed host; they then count against the threshold. */
export async function applyGate(options: BatchEndOptions, records: HostRunRecord[], batch: number): Promise<void> {
  const gate = options.playbook.gate;
  const changed = records.filter((r) => changedOutcomes.has(r.result.outcome));
  if (!gate || changed.length === 0 || options.isInterrupted()) return;
  const hosts = changed.map((r) => ({ target: targetOf(options, r), before: r.snapshot }));
  const failures = await runGate({
    gate,
    batch,
    hosts,
    forks: options.forks,
    pool: options.pool,
    emit: options.emit,
    isInterrupted: options.isInterrupted,
  });
  const failed = (failures ?? []).flatMap((f) =>
    changed.filter((r) => r.result.host === f.host).map((r) => [r, `health gate: ${f.reason}`] as const),
  );
  await rollBackRecords(options, failed, 'gate');
}

/**
 * At most `forks` restores at once, every one carried out even after an interrupt: these hosts are changed and
 * must not be left half-done. restoreHost reports its own failures, so nothing is lost from forEachHost's results.
 */
async function rollBackRecords(
  options: BatchEndOptions,
  work: readonly (readonly [HostRunRecord, string])[],
  kind: HostErrorKind,
): Promise<void> {
  const byHost = new Map(work.map(([record, reason]) => [record.result.host, { record, reason }]));
  const hosts = work.map(([record]) => targetOf(options, record));
  await forEachHost(
    hosts,
    options.forks,
    () => false,
    async (target) => {
      const chosen = byHost.get(target.name);
      if (chosen) await rollBackRecord(options, chosen.record, { reason: chosen.reason, kind });
    },
  );
}

/**
 * A stop for failed hosts applies `on_abort` (README "Rollouts, journals and rollback"): `rollback-batch` restores this batch's changed
 * hosts, `rollback-all` those of every batch so far, `keep` none.
 */
export async function rollBackOnAbort(
  options: BatchEndOptions,
  done: HostRunRecord[],
  batch: number,
  reason: string,
): Promise<void> {
  const onAbort = options.playbook.on_abort;
  if (onAbort === 'keep') return;
  const chosen = done.filter(
    (r) =>
      (onAbort === 'rollback-all' || r.result.batch === batch) &&
      changedOutcomes.has(r.result.outcome) &&
      r.applied.length > 0,
  );
  await rollBackRecords(
    options,
    chosen.map((record) => [record, reason] as const),
    'stopped',
  );
}

function targetOf(options: BatchEndOptions, record: HostRunRecord): HostTarget {
  const target = options.targets.find((t) => t.name === record.result.host);
  if (!target) throw new Error(`internal: no target for ${record.result.host}`);
  return target;
}

/** Restores a host that finished its run, verifies it, marks its journal, and reports its new outcome. */
async function rollBackRecord(
  options: BatchEndOptions,
  record: HostRunRecord,
  cause: { reason: string; kind: HostErrorKind },
): Promise<void> {
  const { reason } = cause;
  const restored = await restoreHost({
    target: targetOf(options, record),
    emit: options.emit,
    connection: null,
    openConnection: (t) => options.pool.get(t),
    applied: record.applied,
    reason,
    ...(record.journal && { journal: record.journal }),
  });
  const verdict = restoreVerdict(restored, cause);
  // as host-rollback.ts: steps read "rolled-back" only when the whole host verified as before
  const steps = restored.ok ? markRolledBack(record.result.steps) : record.result.steps;
  record.result = { ...record.result, ...verdict, steps };
  if (restored.ok) record.applied = [];
  if (record.journal) record.journal = { ...record.journal, state: verdict.outcome };
  options.emit({ type: 'host-end', result: record.result });
}
