/**
 * `rollback`'s fleet loop: each host is restored from its own journal of the chosen run (after a crash, or on
 * purpose), under the host lock, and verified. What can be decided from the journals alone (no journal, already
 * rolled back, refused for newer runs) is decided without a connection; the rest go through forEachHost.
 */
import { errorKindOf, errorMessage, type HostErrorKind } from '../errors.js';
import { gatherFacts } from '../facts/gather.js';
import type { Connection, HostTarget } from '../transport/connection.js';
import type { ConnectionPool } from './connection-pool.js';
import { driftFiles, driftRefusal, findDrift } from './drift.js';
import type { EventListener, HostDrift, HostResult } from './events.js';
import { atStage, forEachHost, type HostDone, notStartedMessage } from './for-each-host.js';
import { acquireHostLock, lockedByMessage, releaseLock } from './host-lock.js';
import type { JournalEntry } from './journal.js';
import { type BlockingRun, blockingNewerRuns, describeBlocking } from './newer-runs.js';
import type { HostJournals } from './read-journals.js';
import { restoreHost, restoreVerdict } from './restore.js';
import { hostResult } from './step-results.js';

export interface RollbackOptions {
  pool: ConnectionPool;
  /** The run to undo. */
  runId: string;
  /** This rollback's own id, written as the lock owner, and its start. */
  lockId: string;
  startedAt: Date;
  forks: number;
  emit: EventListener;
  isInterrupted: () => boolean;
  /** Undo newer runs that changed the same targets first instead of refusing. */
  includeNewer: boolean;
  /** Restore over drift (a knob or file changed since the run) instead of refusing the host. */
  force: boolean;
}

/** The hosts' results, in the journals' order; every host gets host-start and host-end events. */
export async function rollBackHosts(options: RollbackOptions, journals: HostJournals[]): Promise<HostResult[]> {
  const decided = new Map(journals.map((j) => [j.target.name, decideOffline(options, j)]));
  const work = journals.filter((j) => decided.get(j.target.name) === null);
  const ran = new Map<string, HostResult>();
  await forEachHost(
    work.map((j) => j.target),
    options.forks,
    options.isInterrupted,
    (target) => rollBackOne(options, work.find((j) => j.target === target) as HostJournals),
    // reported as each host ends: one not started says so then, not after the others
    (done) => ran.set(done.target.name, resultOf(options, done, done.target)),
  );
  return journals.map(
    (j) => decided.get(j.target.name) ?? ran.get(j.target.name) ?? resultOf(options, undefined, j.target),
  );
}

function end(options: RollbackOptions, result: HostResult): HostResult {
  options.emit({ type: 'host-end', result });
  return result;
}

/** Not started (interrupt), or connect / lock failed: the host is left as it is, and says why (emitted). */
function resultOf(options: RollbackOptions, done: HostDone<HostResult> | undefined, target: HostTarget): HostResult {
  if (done?.ok) return done.value;
  if (!done || !done.started) {
    options.emit({ type: 'host-start', host: target.name, batch: 0 });
    return end(
      options,
      hostResult(target.name, 0, 'skipped', { error: done?.error ?? notStartedMessage, errorKind: 'interrupted' }),
    );
  }
  return end(options, hostResult(target.name, 0, 'unreachable', { error: done.error, errorKind: done.errorKind }));
}

/** The result of a host the journals alone decide (emitted), or null when it must be rolled back. */
function decideOffline(options: RollbackOptions, journals: HostJournals): HostResult | null {
  const { runId } = options;
  const host = journals.target.name;
  const result = (outcome: HostResult['outcome'], fields: Parameters<typeof hostResult>[3]): HostResult => {
    options.emit({ type: 'host-start', host, batch: 0 });
    return end(options, hostResult(host, 0, outcome, fields));
  };
  const entry = journals.entries.find((e) => e.run_id === runId);
  if (journals.error)
    return result('unreachable', { error: journals.error, errorKind: journals.errorKind ?? 'journal' });
  if (!entry) return result('skipped', { error: `no journal for run ${runId} on this host`, errorKind: 'no-journal' });
  if (entry.state === 'rolled-back') return result('unchanged', { warnings: [`run ${runId} was already rolled back`] });
  const blocking = blockingNewerRuns(journals.entries, runId);
  if (blocking.length > 0 && !options.includeNewer)
    return result('failed', { error: refuseForNewer(runId, blocking), errorKind: 'refused' });
  return null;
}

/**
 * Locks the host, reads it for drift (runner/drift.ts) in the round trip that used to only probe the connection,
 * then undoes the run (and, with --include-newer, the newer runs first). Throws on connect/lock failure.
 */
async function rollBackOne(options: RollbackOptions, journals: HostJournals): Promise<HostResult> {
  const host = journals.target.name;
  options.emit({ type: 'host-start', host, batch: 0 });
  const connection = await options.pool.get(journals.target);
  const lock = await atStage('lock', () => acquireHostLock(connection, options.lockId, options.startedAt));
  if (lock.kind === 'busy')
    return end(options, hostResult(host, 0, 'skipped', { error: lockedByMessage(lock.owner), errorKind: 'lock' }));
  try {
    const entry = journals.entries.find((e) => e.run_id === options.runId) as JournalEntry;
    const runs = [...blockingNewerRuns(journals.entries, options.runId).map((b) => b.entry), entry];
    const warnings = lock.kind === 'unsupported' ? [`no host lock: ${lock.reason}`] : [];
    const read = await readDrift(connection, runs);
    if ('error' in read) return end(options, hostResult(host, 0, 'failed', { ...read, warnings }));
    const { drift } = read;
    if (drift.findings.length > 0 && !options.force) {
      const error = driftRefusal(options.runId, drift.findings);
      return end(options, hostResult(host, 0, 'failed', { error, errorKind: 'drift', warnings, drift }));
    }
    const overwritten = { ...drift, overwritten: drift.findings.length > 0 };
    return end(
      options,
      await undoRuns(options, journals, runs, [...warnings, ...driftWarnings(overwritten)], overwritten),
    );
  } finally {
    await releaseLock(lock);
  }
}

/** The drift check's one gather (files of every run, no rules); a failed read refuses the host (nothing restored). */
async function readDrift(
  connection: Connection,
  runs: JournalEntry[],
): Promise<{ drift: HostDrift } | { error: string; errorKind: HostErrorKind }> {
  try {
    const facts = await gatherFacts(connection, { files: driftFiles(runs), rules: false });
    return { drift: { ...findDrift(facts, runs), overwritten: false } };
  } catch (error) {
    const why = `could not read the host to check it for changes since the run: ${errorMessage(error)}; nothing restored`;
    return { error: why, errorKind: errorKindOf(error, 'gather') };
  }
}

/** What a rollback that went on says about drift: restored over it (--force), or targets it could not judge. */
function driftWarnings(drift: HostDrift): string[] {
  const said: string[] = [];
  if (drift.overwritten) said.push(`overwrote drift (--force): ${drift.findings.map((f) => f.message).join('; ')}`);
  if (drift.unknown.length > 0)
    said.push(
      `drift unknown: the journal does not record what the run left for ${drift.unknown.join(', ')}; restored without checking`,
    );
  return said;
}

/** Undoes `runs` in order (newest first), each verified; stops at the first that does not restore exactly. */
async function undoRuns(
  options: RollbackOptions,
  journals: HostJournals,
  runs: JournalEntry[],
  warnings: string[],
  drift: HostDrift,
): Promise<HostResult> {
  const host = journals.target.name;
  const undone: string[] = [];
  for (const run of runs) {
    const restored = await restoreHost({
      // the first undo follows the drift read on the same connection: no probe
      connectionAnswered: undone.length === 0,
      target: journals.target,
      emit: options.emit,
      // a lost connection is reopened by restoreHost
      connection: await options.pool.get(journals.target).catch(() => null),
      openConnection: (t) => options.pool.reopen(t),
      applied: run.changes.slice(0, run.applied_count),
      reason: `rollback of run ${run.run_id} (journal state: ${run.state})`,
      journal: run,
    });
    if (!restored.ok) {
      const scope = undone.length > 0 ? ` of run ${run.run_id} after undoing newer run(s) ${undone.join(', ')}` : '';
      const { outcome, ...verdict } = restoreVerdict(restored, {}, scope);
      return hostResult(host, 0, outcome, { ...verdict, warnings, drift });
    }
    undone.push(run.run_id);
  }
  const newer = undone.slice(0, -1);
  const also = newer.length > 0 ? [`undid newer run(s) ${newer.join(', ')} first (--include-newer)`] : [];
  return hostResult(host, 0, 'rolled-back', { warnings: [...warnings, ...also], rollbackMismatches: [], drift });
}

/** Refused (nothing changed): newer runs changed what this run changed, and --include-newer was not given. */
function refuseForNewer(runId: string, blocking: BlockingRun[]): string {
  const newest = blocking[0]?.entry.run_id ?? '';
  return `refused to roll back run ${runId}: ${describeBlocking(blocking)}; roll back ${newest} first (rollback --run ${newest}) or pass --include-newer to undo the newer runs first, newest first`;
}
