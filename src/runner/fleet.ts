/** The fleet: batches in order, hosts concurrently inside a batch, threshold and abort handling between batches. */
import pLimit from 'p-limit';
import type { OnAbort, Playbook } from '../playbook/types.js';
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

const failedOutcomes: HostOutcome[] = ['failed', 'rolled-back', 'rollback-failed', 'unreachable'];

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
  for (const [batch, targets] of batches.entries()) {
    if (stopped || options.isInterrupted()) {
      done.push(...targets.map((t) => skipHost(options, t, batch, stopped ? 'rollout stopped before this batch' : 'interrupted')));
      continue;
    }
    emit({ type: 'batch-start', batch, hosts: targets.map((t) => t.name) });
    const records = await runBatch(options, targets, batch);
    // one batch: nothing is left to protect, so no soak
    if (batches.length > 1) await applyGate(options, records, batch);
    done.push(...records);
    const failed = records.filter((r) => failedOutcomes.includes(r.result.outcome)).length;
    stopped = !options.checkOnly && batches.length > 1 && exceedsFailThreshold(failed, records.length, playbook.max_fail_percentage);
    if (stopped) await rollBackOnAbort(options, playbook.on_abort, done, batch);
    emit({ type: 'batch-end', batch, failed, total: records.length, stopped });
  }
  const results = done.map((r) => r.result);
  const outcomes = results.map((r) => r.outcome);
  const exitCode = options.isInterrupted() ? exitCodes.interrupted : exitCodeFor(outcomes, stopped);
  emit({ type: 'run-end', exitCode, summary: countOutcomes(outcomes) });
  return { results, exitCode, stopped };
}

async function runBatch(options: FleetOptions, targets: HostTarget[], batch: number): Promise<HostRunRecord[]> {
  const limit = pLimit(Math.max(1, options.forks));
  return Promise.all(
    targets.map((target) =>
      limit(() =>
        options.isInterrupted()
          ? Promise.resolve(skipHost(options, target, batch, 'interrupted before it started'))
          : runHost({
              ...options,
              target,
              batch,
              openConnection: (t) => options.pool.get(t),
              reopenConnection: (t) => options.pool.reopen(t),
            }),
      ),
    ),
  );
}

function skipHost(options: FleetOptions, target: HostTarget, batch: number, reason: string): HostRunRecord {
  const result = hostResult(target.name, batch, 'skipped', { error: reason });
  options.emit({ type: 'host-end', result });
  return { result, applied: [], snapshot: null };
}

async function applyGate(options: FleetOptions, records: HostRunRecord[], batch: number): Promise<void> {
  const gate = options.playbook.gate;
  if (!gate || options.checkOnly || options.isInterrupted()) return;
  const changed = records.filter((r) => r.result.outcome === 'changed');
  if (changed.length === 0) return;
  const failures = await runGate({ gate, batch, records: changed, pool: options.pool, emit: options.emit, targets: options.targets });
  for (const failure of failures) {
    const record = changed.find((r) => r.result.host === failure.host);
    if (!record) continue;
    record.result = { ...record.result, outcome: 'failed', error: `health gate: ${failure.reason}` };
    record.gateFailed = true;
  }
}

async function rollBackOnAbort(options: FleetOptions, onAbort: OnAbort, done: HostRunRecord[], batch: number): Promise<void> {
  if (onAbort === 'keep') return;
  const chosen = done.filter((r) => (onAbort === 'rollback-all' || r.result.batch === batch) && r.applied.length > 0 && (r.result.outcome === 'changed' || r.gateFailed));
  await Promise.all(chosen.map((record) => rollBackRecord(options, record)));
}

async function rollBackRecord(options: FleetOptions, record: HostRunRecord): Promise<void> {
  const target = options.targets.find((t) => t.name === record.result.host);
  if (!target) return;
  const reason = record.gateFailed ? (record.result.error ?? 'health gate failed') : 'rollout stopped: the batch exceeded max_fail_percentage';
  const restored = await restoreHost({
    target,
    emit: options.emit,
    connection: null,
    openConnection: (t) => options.pool.get(t),
    applied: record.applied,
    reason,
  });
  record.result = {
    ...record.result,
    outcome: restored.ok ? 'rolled-back' : 'rollback-failed',
    steps: markRolledBack(record.result.steps),
    error: restored.ok ? reason : `${reason}; ROLLBACK FAILED: ${restored.mismatches.join('; ')}`,
    rollbackMismatches: restored.mismatches,
  };
  options.emit({ type: 'host-end', result: record.result });
}
