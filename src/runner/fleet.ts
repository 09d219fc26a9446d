/** The fleet: batches in order, hosts concurrently inside a batch, gate, threshold and abort handling between batches. */
import pLimit from 'p-limit';
import type { Playbook } from '../playbook/types.js';
import type { HostTarget } from '../transport/connection.js';
import { exceedsFailThreshold, splitBatches } from './batches.js';
import type { ConnectionPool } from './connection-pool.js';
import type { EventListener, HostResult } from './events.js';
import { runGate } from './gate.js';
import { type HostRunRecord, runHost } from './host-run.js';
import { countOutcomes, exitCodeFor, exitCodes, type HostOutcome } from './outcome.js';
import { restoreHost } from './restore.js';
import { hostResult, markRolledBack } from './step-results.js';

export interface FleetOptions {
  playbook: Playbook;
  targets: HostTarget[];
  forks: number;
  checkOnly: boolean;
  runId: string;
  startedAt: Date;
  pool: ConnectionPool;
  emit: EventListener;
  isInterrupted: () => boolean;
}

export interface FleetResult {
  results: HostResult[];
  exitCode: number;
  stopped: boolean;
}

/** Outcomes that count against max_fail_percentage. */
export const failedOutcomes: readonly HostOutcome[] = ['failed', 'rolled-back', 'rollback-failed', 'unreachable'];

export async function runFleet(options: FleetOptions): Promise<FleetResult> {
  const { playbook, emit } = options;
  const batches = splitBatches(options.targets, playbook.serial);
  emit({
    type: 'run-start',
    runId: options.runId,
    hosts: options.targets.map((t) => t.name),
    steps: playbook.steps.map((s) => ({ kind: s.kind, label: s.name ?? s.kind })),
    batches: batches.map((b) => b.map((t) => t.name)),
  });
  const done: HostRunRecord[] = [];
  let stopped = false;
  try {
    for (const [batch, targets] of batches.entries()) {
      if (stopped || options.isInterrupted()) {
        done.push(...targets.map((t) => skipHost(options, t, batch, stopped ? 'rollout stopped before this batch' : 'interrupted before it started')));
        continue;
      }
      emit({ type: 'batch-start', batch, hosts: targets.map((t) => t.name) });
      const records = await runBatch(options, targets, batch);
      done.push(...records);
      // one batch: nothing is left to protect, so no soak and no stop
      const rollout = batches.length > 1 && !options.checkOnly;
      if (rollout) await applyGate(options, records, batch);
      const failed = records.filter((r) => failedOutcomes.includes(r.result.outcome)).length;
      const limit = playbook.max_fail_percentage;
      stopped = rollout && !options.isInterrupted() && exceedsFailThreshold(failed, records.length, limit);
      if (stopped) await rollBackOnAbort(options, done, batch, `rollout stopped: ${failed} of ${records.length} hosts of batch ${batch + 1} failed (more than ${limit}%)`);
      emit({ type: 'batch-end', batch, failed, total: records.length, stopped });
    }
  } finally {
    // held until now so that no other controller could touch a host this run might still have rolled back
    await Promise.all(done.map((r) => r.releaseLock?.()));
  }
  const outcomes = done.map((r) => r.result.outcome);
  const exitCode = fleetExitCode(outcomes, stopped, options.isInterrupted());
  emit({ type: 'run-end', exitCode, summary: countOutcomes(outcomes) });
  return { results: done.map((r) => r.result), exitCode, stopped };
}

/**
 * An interrupt exits 130 unless a rollback failed: that is the more alarming fact. Otherwise a skipped host
 * (another run held its lock) was not tuned, so the run is not ok: 1, like a failed host.
 */
export function fleetExitCode(outcomes: HostOutcome[], stopped: boolean, interrupted: boolean): number {
  const code = exitCodeFor(outcomes, stopped);
  if (interrupted && code !== exitCodes.rollbackFailed) return exitCodes.interrupted;
  return code === exitCodes.ok && outcomes.includes('skipped') ? exitCodes.hostFailed : code;
}

async function runBatch(options: FleetOptions, targets: HostTarget[], batch: number): Promise<HostRunRecord[]> {
  const limit = pLimit(Math.max(1, options.forks));
  return Promise.all(
    targets.map((target) =>
      limit(() =>
        options.isInterrupted()
          ? Promise.resolve(skipHost(options, target, batch, 'interrupted before it started'))
          : runHost({ ...options, target, batch, openConnection: (t) => options.pool.get(t), reopenConnection: (t) => options.pool.reopen(t) }),
      ),
    ),
  );
}

function skipHost(options: FleetOptions, target: HostTarget, batch: number, reason: string): HostRunRecord {
  const result = hostResult(target.name, batch, 'skipped', { error: reason });
  options.emit({ type: 'host-end', result });
  return { result, applied: [], snapshot: null, journal: null, releaseLock: null };
}

/** Hosts that fail the gate are rolled back at once, like any failed host; they then count against the threshold. */
async function applyGate(options: FleetOptions, records: HostRunRecord[], batch: number): Promise<void> {
  const gate = options.playbook.gate;
  const changed = records.filter((r) => r.result.outcome === 'changed');
  if (!gate || changed.length === 0 || options.isInterrupted()) return;
  const hosts = changed.map((r) => ({ target: targetOf(options, r), before: r.snapshot }));
  const failures = await runGate({ gate, batch, hosts, pool: options.pool, emit: options.emit, isInterrupted: options.isInterrupted });
  const failed = (failures ?? []).flatMap((f) => changed.filter((r) => r.result.host === f.host).map((r) => [r, `health gate: ${f.reason}`] as const));
  await rollBackRecords(options, failed);
}

/** At most `forks` restores at once. */
async function rollBackRecords(options: FleetOptions, work: readonly (readonly [HostRunRecord, string])[]): Promise<void> {
  const limit = pLimit(Math.max(1, options.forks));
  await Promise.all(work.map(([record, reason]) => limit(() => rollBackRecord(options, record, reason))));
}

async function rollBackOnAbort(options: FleetOptions, done: HostRunRecord[], batch: number, reason: string): Promise<void> {
  const onAbort = options.playbook.on_abort;
  if (onAbort === 'keep') return;
  const chosen = done.filter((r) => (onAbort === 'rollback-all' || r.result.batch === batch) && r.result.outcome === 'changed' && r.applied.length > 0);
  await rollBackRecords(options, chosen.map((record) => [record, reason] as const));
}

function targetOf(options: FleetOptions, record: HostRunRecord): HostTarget {
  const target = options.targets.find((t) => t.name === record.result.host);
  if (!target) throw new Error(`internal: no target for ${record.result.host}`);
  return target;
}

/** Restores a host that finished its run, verifies it, marks its journal, and reports its new outcome. */
async function rollBackRecord(options: FleetOptions, record: HostRunRecord, reason: string): Promise<void> {
  const restored = await restoreHost({
    target: targetOf(options, record),
    emit: options.emit,
    connection: null,
    openConnection: (t) => options.pool.get(t),
    applied: record.applied,
    reason,
    ...(record.journal && { journal: record.journal }),
  });
  const outcome = restored.ok ? 'rolled-back' : 'rollback-failed';
  record.result = {
    ...record.result,
    outcome,
    steps: markRolledBack(record.result.steps),
    error: restored.ok ? reason : `${reason}; ROLLBACK FAILED: ${restored.mismatches.join('; ')}. Fix by hand: ${restored.hints.join('; ')}`,
    rollbackMismatches: restored.mismatches,
  };
  if (restored.ok) record.applied = [];
  if (record.journal) record.journal = { ...record.journal, state: outcome };
  options.emit({ type: 'host-end', result: record.result });
}
