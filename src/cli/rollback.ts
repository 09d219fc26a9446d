/** `rollback` restores hosts from their own journals (after a crash, or on purpose) and verifies them. */
import type { Command } from 'commander';
import pLimit from 'p-limit';
import { InputError, errorMessage } from '../errors.js';
import { buildRunReport, createRunReporter, writeReportFile } from '../report/index.js';
import type { ConnectionPool } from '../runner/connection-pool.js';
import type { HostResult, RunEvent } from '../runner/events.js';
import { acquireHostLock, releaseLock } from '../runner/host-lock.js';
import { countOutcomes, exitCodeOf, exitCodes } from '../runner/outcome.js';
import { restoreHost } from '../runner/restore.js';
import { hostResult } from '../runner/step-results.js';
import { createPool, selectTargets } from './hosts.js';
import type { JournalEntry } from '../runner/journal.js';
import { type BlockingRun, blockingNewerRuns, describeBlocking } from '../runner/newer-runs.js';
import { checkRunKnown, type HostJournals, newestRunId, readJournals } from './journals.js';
import { addHostOptions, addQuietOption, type HostOptionValues, inventoryFlags, type ReadOptionValues } from './options.js';
import { rollbackCommand } from './stop-now.js';
import { newRunId } from './run-id.js';
import { watchSignals } from './signals.js';

export { registerRuns } from './runs-view.js';

interface RollbackValues extends HostOptionValues, Pick<ReadOptionValues, 'quiet'> {
  run?: string;
  last?: boolean;
  includeNewer?: boolean;
  report?: string;
}

interface RollbackContext {
  pool: ConnectionPool;
  runId: string;
  /** This rollback's own id and start, written as the lock owner. */
  lockId: string;
  startedAt: Date;
  emit: (event: RunEvent) => void;
  isInterrupted: () => boolean;
  /** Undo newer runs that changed the same targets first instead of refusing. */
  includeNewer: boolean;
}

interface RollbackResult {
  result: HostResult;
  /** Locked by a run in progress, or interrupted before it started: not done, so not ok. */
  notDone: boolean;
}

async function rollbackOne(context: RollbackContext, journals: HostJournals): Promise<RollbackResult> {
  const { runId, emit } = context;
  const host = journals.target.name;
  const entry = journals.entries.find((e) => e.run_id === runId);
  const end = (result: HostResult, notDone = false): RollbackResult => {
    emit({ type: 'host-end', result });
    return { result, notDone };
  };
  emit({ type: 'host-start', host, batch: 0 });
  if (journals.error) return end(hostResult(host, 0, 'unreachable', { error: journals.error }));
  if (!entry) return end(hostResult(host, 0, 'skipped', { error: `no journal for run ${runId} on this host` }));
  if (entry.state === 'rolled-back') return end(hostResult(host, 0, 'unchanged', { warnings: [`run ${runId} was already rolled back`] }));
  const blocking = blockingNewerRuns(journals.entries, runId);
  if (blocking.length > 0 && !context.includeNewer) return end(hostResult(host, 0, 'failed', { error: refuseForNewer(runId, blocking) }));
  if (context.isInterrupted()) return end(hostResult(host, 0, 'skipped', { error: 'interrupted before it started' }), true);
  let connection;
  let lock;
  try {
    connection = await context.pool.get(journals.target);
    lock = await acquireHostLock(connection, context.lockId, context.startedAt);
  } catch (error) {
    return end(hostResult(host, 0, 'unreachable', { error: errorMessage(error) }));
  }
  if (lock.kind === 'busy') return end(hostResult(host, 0, 'skipped', { error: `locked by run ${lock.owner}` }), true);
  try {
    return end(await undoRuns(context, journals, [...blocking.map((b) => b.entry), entry], lock.kind === 'unsupported' ? [`no host lock: ${lock.reason}`] : []));
  } finally {
    await releaseLock(lock);
  }
}

/** Undoes `runs` in order (newest first), each verified; stops at the first that does not restore exactly. */
async function undoRuns(context: RollbackContext, journals: HostJournals, runs: JournalEntry[], warnings: string[]): Promise<HostResult> {
  const host = journals.target.name;
  const undone: string[] = [];
  for (const run of runs) {
    const restored = await restoreHost({
      target: journals.target,
      emit: context.emit,
      // a lost connection is reopened by restoreHost
      connection: await context.pool.get(journals.target).catch(() => null),
      openConnection: (t) => context.pool.reopen(t),
      applied: run.changes.slice(0, run.applied_count),
      reason: `rollback of run ${run.run_id} (journal state: ${run.state})`,
      journal: run,
    });
    if (!restored.ok) {
      const before = undone.length > 0 ? ` of run ${run.run_id} after undoing newer run(s) ${undone.join(', ')}` : '';
      const error = `ROLLBACK FAILED${before}: ${restored.mismatches.join('; ')}. Fix by hand: ${restored.hints.join('; ')}`;
      return hostResult(host, 0, 'rollback-failed', { error, warnings, rollbackMismatches: restored.mismatches });
    }
    undone.push(run.run_id);
  }
  const newer = undone.slice(0, -1);
  const also = newer.length > 0 ? [`undid newer run(s) ${newer.join(', ')} first (--include-newer)`] : [];
  return hostResult(host, 0, 'rolled-back', { warnings: [...warnings, ...also], rollbackMismatches: [] });
}

/** Refused (nothing changed): newer runs changed what this run changed, and --include-newer was not given. */
function refuseForNewer(runId: string, blocking: BlockingRun[]): string {
  const newest = blocking[0]?.entry.run_id ?? '';
  return `refused to roll back run ${runId}: ${describeBlocking(blocking)}; roll back ${newest} first (rollback --run ${newest}) or pass --include-newer to undo the newer runs first, newest first`;
}

/**
 * For --last: why there is nothing to undo (every host answered and none has a journal, or the newest run applied
 * no change on any host: a crash before its first write), or null. A host whose journal could not be read may hide a change, so it is never "nothing".
 */
export function nothingToRollBack(journals: HostJournals[], runId: string | null): string | null {
  if (journals.some((j) => j.error)) return null;
  if (!runId) return 'no run has left a journal on the selected hosts';
  const entries = journals.flatMap((j) => j.entries.filter((e) => e.run_id === runId));
  return entries.every((e) => e.applied_count === 0) ? `the last run, ${runId}, changed nothing on the selected hosts` : null;
}

export function rollbackExitCode(results: RollbackResult[], interrupted: boolean): number {
  const counts = countOutcomes(results.map((r) => r.result.outcome));
  const nothingToDo = results.filter((r) => r.result.outcome === 'skipped' && !r.notDone).length;
  return exitCodeOf({ counts, interrupted, nothingToDo }, 'rollback');
}

export async function runRollback(values: RollbackValues): Promise<number> {
  if (!values.run === !values.last) throw new InputError('rollback needs exactly one of --run RUN_ID or --last');
  const selection = selectTargets(values);
  const pool = createPool(selection);
  const startedAt = new Date();
  const events: RunEvent[] = [];
  const reporter = createRunReporter({ format: selection.format, stream: process.stdout, color: selection.color, playbook: '(rollback)', quiet: values.quiet === true });
  const emit = (event: RunEvent) => {
    events.push(event);
    reporter.onEvent(event);
  };
  let chosenRunId: string | null = values.run ?? null;
  const signals = watchSignals({
    onFirst: (signal) => emit({ type: 'message', level: 'warn', text: `${signal}: starting no new host; rollbacks in progress finish (interrupt again to stop at once)` }),
    busyHosts: () => pool.busyHosts(),
    drain: () => pool.drain(),
    // read when the stop happens: by then the run id is known (--last resolves it from the journals)
    get stopHint() {
      return chosenRunId ? `Finish it with: ${rollbackCommand(chosenRunId, inventoryFlags(values))}` : 'Run the same rollback again to finish it.';
    },
  });
  try {
    const journals = await readJournals(pool, selection.targets, selection.forks);
    const runId = values.run ?? newestRunId(journals);
    chosenRunId = runId;
    const nothing = values.last ? nothingToRollBack(journals, runId) : null;
    if (nothing) {
      // exit 0: an automated recovery step runs `rollback --last` blindly after a crash before the first write
      process.stderr.write(`conntrack-fleet: nothing to roll back: ${nothing}\n`);
      return exitCodes.ok;
    }
    if (!runId) throw new InputError('no journal found on the selected hosts: nothing to roll back');
    checkRunKnown(runId, journals);
    const hosts = selection.targets.map((t) => t.name);
    emit({ type: 'run-start', runId, hosts, steps: [{ kind: 'rollback', label: `rollback ${runId}` }], batches: [hosts] });
    const context: RollbackContext = { pool, runId, lockId: `rollback-${newRunId(startedAt)}`, startedAt, emit, isInterrupted: signals.isInterrupted, includeNewer: values.includeNewer === true };
    const limit = pLimit(selection.forks);
    const results = await Promise.all(journals.map((j) => limit(() => rollbackOne(context, j))));
    const exitCode = rollbackExitCode(results, signals.isInterrupted());
    emit({ type: 'run-end', exitCode, summary: countOutcomes(results.map((r) => r.result.outcome)) });
    if (values.report) await writeReportFile(values.report, buildRunReport(events, { playbook: '(rollback)', startedAt, finishedAt: new Date(), exitCode }));
    return exitCode;
  } finally {
    await pool.closeAll();
    signals.dispose();
    await reporter.finish();
  }
}

export function registerRollback(program: Command): void {
  const command = program
    .command('rollback')
    .description('Restore hosts from their on-host journals (a crashed or interrupted run, or an earlier run on purpose) and verify.')
    .option('--run <id>', 'the run to undo (see `conntrack-fleet runs`)')
    .option('--last', 'undo the newest run found on the selected hosts')
    .option('--include-newer', 'where newer runs changed the same values, files or modules, undo them first (newest first) instead of refusing the host')
    .option('--report <file>', 'write the JSON report to this file')
    .addHelpText('after', '\nExamples:\n  conntrack-fleet rollback --last -i inventories/lab.yaml\n  conntrack-fleet rollback --run 20261126T173501Z-3f9a -i inventories/prod.yaml --limit web1');
  addQuietOption(addHostOptions(command)).action(async (values: RollbackValues) => {
    process.exitCode = await runRollback(values);
  });
}
