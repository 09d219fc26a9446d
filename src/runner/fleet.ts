/** The fleet: batches in order, hosts concurrently inside a batch, gate, threshold and abort handling between batches. */
import type { HostErrorKind } from '../errors.js';
import type { HostTarget } from '../transport/connection.js';
import { judgeBatch, splitBatches } from './batches.js';
import type { HostResult } from './events.js';
import { claimHosts, type FleetLocks } from './fleet-locks.js';
import { applyGate, type BatchEndOptions, rollBackOnAbort } from './fleet-rollback.js';
import { forEachHost, type HostDone, notStartedMessage } from './for-each-host.js';
import {
  claimsUpFront,
  createHostRelease,
  doneAtHostEnd,
  forgetAfterBatch,
  type HostRelease,
  keptAtHostEnd,
  type RunShape,
} from './fleet-release.js';
import { type HostRunRecord, runHost } from './host-run.js';
import { hostResult } from './step-results.js';

export interface FleetOptions extends BatchEndOptions {
  checkOnly: boolean;
  runId: string;
  startedAt: Date;
}

export interface FleetResult {
  results: HostResult[];
  /** A batch exceeded a threshold and no later batch started. */
  stopped: boolean;
  interrupted: boolean;
}

/**
 * Runs the batches. The exit code is not decided here: the CLI maps the outcomes with outcome.ts `exitCodeOf`.
 * Without --check every host is claimed (connect + lock) before batch 1 and stays locked until the run can no longer
 * change or roll it back: the end of the run, or in a one-batch run its own end (fleet-release.ts).
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
  const shape: RunShape = { playbook, checkOnly: options.checkOnly, batches: batches.length };
  // a one-batch run locks each host as its turn comes (runHost, through lockFor): see fleet-release.ts
  const claimed = claimsUpFront(shape) ? options.targets : [];
  const locks = options.checkOnly ? null : await claimHosts({ ...options, targets: claimed, batchOf });
  const release = createHostRelease(locks, options.pool);
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
      const records = await runBatch(options, targets, batch, { locks, shape, release });
      done.push(...records);
      stopped = await endBatch(options, records, done, { batch, count: batches.length });
      forgetAfterBatch(records, shape);
    }
  } finally {
    // held until now so that no other controller could touch a host this run might still change or roll back
    await release.settled();
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

interface BatchContext {
  locks: FleetLocks | null;
  shape: RunShape;
  release: HostRelease;
}

/**
 * The batch's hosts through forEachHost; hosts that could not be claimed keep their claim result, in place. Each
 * record keeps only what a later gate or on_abort reads; a host nothing can reach any more is released at its end.
 */
async function runBatch(
  options: FleetOptions,
  targets: HostTarget[],
  batch: number,
  { locks, shape, release }: BatchContext,
): Promise<HostRunRecord[]> {
  const claimed = targets.filter((t) => !unclaimedRecord(locks, t));
  const records = new Map<string, HostRunRecord>();
  const run = async (target: HostTarget) => {
    const record = await runHost({
      ...options,
      target,
      batch,
      lock: locks ? (connection) => locks.lockFor(connection) : null,
      openConnection: (t) => options.pool.get(t),
      reopenConnection: (t) => options.pool.reopen(t),
    });
    if (doneAtHostEnd(shape)) release.release(target);
    return keptAtHostEnd(record, batch, shape);
  };
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
