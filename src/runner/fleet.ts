/** The fleet: batches in order, hosts concurrently inside a batch, gate, threshold and abort handling between batches. */
import type { HostErrorKind } from '../errors.js';
import type { Playbook } from '../playbook/types.js';
import type { HostTarget } from '../transport/connection.js';
import { judgeBatch, splitBatches } from './batches.js';
import type { ConnectionPool } from './connection-pool.js';
import type { EventListener, HostResult } from './events.js';
import { claimHosts, type FleetLocks } from './fleet-locks.js';
import { forEachHost, type HostDone, notStartedMessage } from './for-each-host.js';
import { runGate } from './gate.js';
import { type HostRunRecord, runHost } from './host-run.js';
import { changedOutcomes } from './outcome.js';
import { restoreHost, restoreVerdict } from './restore.js';
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
  /** A batch exceeded a threshold and no later batch started. */
  stopped: boolean;
  interrupted: boolean;
}

/**
 * Runs the batches. The exit code is not decided here: the CLI maps the outcomes with outcome.ts `exitCodeOf`.
 * Without --check every host is claimed (connect + lock) before batch 1 and stays locked until the end.
 */
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
  const batchOf = new Map(batches.flatMap((b, i) => b.map((t) => [t.name, i] as const)));
  const locks = options.checkOnly ? null : await claimHosts({ ...options, batchOf });
  const done: HostRunRecord[] = [];
  let stopped = false;
  try {
    for (const [batch, targets] of batches.entries()) {
      if (stopped || options.isInterrupted()) {
        const skip = stopped ? stoppedSkip : interruptedSkip;
        done.push(...targets.map((t) => unclaimedRecord(locks, t) ?? skipHost(options, t, batch, skip)));
        continue;
      }
      emit({ type: 'batch-start', batch, hosts: targets.map((t) => t.name) });
      const records = await runBatch(options, targets, batch, locks);
      done.push(...records);
      stopped = await endBatch(options, records, done, { batch, count: batches.length });
    }
  } finally {
    // held until now so that no other controller could touch a host this run might still change or roll back
    await locks?.releaseAll();
  }
  return { results: done.map((r) => r.result), stopped, interrupted: options.isInterrupted() };
}

/**
 * Judges the batch; the gate soaks only when a later batch will run (it protects later batches: none after the
 * last one, none after a batch that already exceeded a threshold). A failure stop applies on_abort; a stop for
 * unreachable hosts does not: the hosts this run changed are no worse for it. True when the rollout stops.
 */
async function endBatch(
  options: FleetOptions,
  records: HostRunRecord[],
  done: HostRunRecord[],
  at: { batch: number; count: number },
): Promise<boolean> {
  const { playbook } = options;
  const { batch } = at;
  // one batch: nothing is left to protect, so no soak and no stop
  const rollout = at.count > 1 && !options.checkOnly;
  const limits = {
    maxFailPercent: playbook.max_fail_percentage,
    maxUnreachablePercent: playbook.max_unreachable_percent,
  };
  const judge = () =>
    judgeBatch(
      records.map((r) => r.result.outcome),
      batch,
      limits,
    );
  let verdict = judge();
  if (rollout && verdict.stoppedBy === null && batch < at.count - 1) {
    await applyGate(options, records, batch);
    verdict = judge();
  }
  const stopped = rollout && !options.isInterrupted() && verdict.stoppedBy !== null;
  if (stopped && verdict.stoppedBy === 'failed')
    await rollBackOnAbort(options, done, batch, verdict.reason ?? 'rollout stopped');
  options.emit({
    type: 'batch-end',
    batch,
    failed: verdict.failed,
    total: verdict.total,
    unreachable: verdict.unreachable,
    stopped,
    stoppedBy: stopped ? verdict.stoppedBy : null,
  });
  return stopped;
}

/** The batch's hosts through forEachHost; hosts that could not be claimed keep their claim result, in place. */
async function runBatch(
  options: FleetOptions,
  targets: HostTarget[],
  batch: number,
  locks: FleetLocks | null,
): Promise<HostRunRecord[]> {
  const claimed = targets.filter((t) => !unclaimedRecord(locks, t));
  const records = new Map<string, HostRunRecord>();
  const run = (target: HostTarget) =>
    runHost({
      ...options,
      target,
      batch,
      lock: locks ? (connection) => locks.lockFor(connection) : null,
      openConnection: (t) => options.pool.get(t),
      reopenConnection: (t) => options.pool.reopen(t),
    });
  // recorded as each host ends, so a host not started is reported then, not after the batch
  await forEachHost(claimed, options.forks, options.isInterrupted, run, (done) =>
    records.set(done.target.name, ranRecord(options, done, batch)),
  );
  return targets.map(
    (t) => unclaimedRecord(locks, t) ?? records.get(t.name) ?? skipHost(options, t, batch, interruptedSkip),
  );
}

/** runHost catches its own errors: a failure here is a host never started (interrupt) or an internal error. */
function ranRecord(options: FleetOptions, done: HostDone<HostRunRecord>, batch: number): HostRunRecord {
  if (done.ok) return done.value;
  if (!done.started) return skipHost(options, done.target, batch, interruptedSkip);
  const result = hostResult(done.target.name, batch, 'failed', { error: done.error, errorKind: done.errorKind });
  options.emit({ type: 'host-end', result });
  return { result, applied: [], snapshot: null, journal: null };
}

/** A host that could not be claimed keeps the result it got then (already emitted). */
function unclaimedRecord(locks: FleetLocks | null, target: HostTarget): HostRunRecord | null {
  const result = locks?.unclaimed.get(target.name);
  return result ? { result, applied: [], snapshot: null, journal: null } : null;
}

interface SkipCause {
  errorKind: HostErrorKind;
  error: string;
}

const interruptedSkip: SkipCause = { errorKind: 'interrupted', error: notStartedMessage };
const stoppedSkip: SkipCause = { errorKind: 'stopped', error: 'rollout stopped before this batch' };

function skipHost(options: FleetOptions, target: HostTarget, batch: number, cause: SkipCause): HostRunRecord {
  const result = hostResult(target.name, batch, 'skipped', cause);
  options.emit({ type: 'host-end', result });
  return { result, applied: [], snapshot: null, journal: null };
}

/** Hosts that fail the gate are rolled back at once, like any failed host; they then count against the threshold. */
async function applyGate(options: FleetOptions, records: HostRunRecord[], batch: number): Promise<void> {
  const gate = options.playbook.gate;
  const changed = records.filter((r) => changedOutcomes.has(r.result.outcome));
  if (!gate || changed.length === 0 || options.isInterrupted()) return;
  const hosts = changed.map((r) => ({ target: targetOf(options, r), before: r.snapshot }));
  const failures = await runGate({
    gate,
    batch,
    hosts,
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
  options: FleetOptions,
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

async function rollBackOnAbort(
  options: FleetOptions,
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

function targetOf(options: FleetOptions, record: HostRunRecord): HostTarget {
  const target = options.targets.find((t) => t.name === record.result.host);
  if (!target) throw new Error(`internal: no target for ${record.result.host}`);
  return target;
}

/** Restores a host that finished its run, verifies it, marks its journal, and reports its new outcome. */
async function rollBackRecord(
  options: FleetOptions,
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
  record.result = { ...record.result, ...verdict, steps: markRolledBack(record.result.steps) };
  if (restored.ok) record.applied = [];
  if (record.journal) record.journal = { ...record.journal, state: verdict.outcome };
  options.emit({ type: 'host-end', result: record.result });
}
