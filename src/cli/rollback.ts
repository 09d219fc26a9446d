/** `rollback` restores hosts from their own journals (after a crash, or on purpose); `runs` lists the journals. */
import type { Command } from 'commander';
import pLimit from 'p-limit';
import { InputError } from '../errors.js';
import { buildRunReport, createRunReporter, writeReportFile } from '../report/index.js';
import type { HostResult, RunEvent } from '../runner/events.js';
import { countOutcomes, exitCodes } from '../runner/outcome.js';
import { restoreHost } from '../runner/restore.js';
import { hostResult } from '../runner/step-results.js';
import { createPool, selectTargets } from './hosts.js';
import { type HostJournals, newestRunId, readJournals } from './journals.js';
import { addHostOptions, type HostOptionValues } from './options.js';
import type { ConnectionPool } from '../runner/connection-pool.js';

interface RollbackValues extends HostOptionValues {
  run?: string;
  last?: boolean;
  report?: string;
}

async function rollbackOne(pool: ConnectionPool, journals: HostJournals, runId: string, emit: (e: RunEvent) => void): Promise<HostResult> {
  const host = journals.target.name;
  emit({ type: 'host-start', host, batch: 0 });
  const entry = journals.entries.find((e) => e.run_id === runId);
  let result: HostResult;
  if (journals.error) result = hostResult(host, 0, 'unreachable', { error: journals.error });
  else if (!entry) result = hostResult(host, 0, 'skipped', { error: `no journal for run ${runId} on this host` });
  else if (entry.state === 'rolled-back') result = hostResult(host, 0, 'unchanged', { error: null, warnings: [`run ${runId} was already rolled back`] });
  else {
    const applied = entry.changes.slice(0, entry.applied_count);
    const restored = await restoreHost({
      target: journals.target,
      emit,
      connection: await pool.get(journals.target),
      openConnection: (t) => pool.reopen(t),
      applied,
      reason: `rollback of run ${runId} (journal state: ${entry.state})`,
      journal: entry,
    });
    const error = restored.ok ? null : `ROLLBACK FAILED: ${restored.mismatches.join('; ')}. Fix by hand: ${restored.hints.join('; ')}`;
    result = hostResult(host, 0, restored.ok ? 'rolled-back' : 'rollback-failed', { error, rollbackMismatches: restored.mismatches });
  }
  emit({ type: 'host-end', result });
  return result;
}

function rollbackExitCode(results: HostResult[]): number {
  if (results.some((r) => r.outcome === 'rollback-failed')) return exitCodes.rollbackFailed;
  return results.some((r) => r.outcome === 'unreachable') ? exitCodes.hostFailed : exitCodes.ok;
}

export async function runRollback(values: RollbackValues): Promise<number> {
  if (!values.run === !values.last) throw new InputError('rollback needs exactly one of --run RUN_ID or --last');
  const selection = selectTargets(values);
  const pool = createPool(selection);
  const startedAt = new Date();
  const events: RunEvent[] = [];
  const reporter = createRunReporter({ format: selection.format, stream: process.stdout, color: selection.color, playbook: '(rollback)' });
  const emit = (event: RunEvent) => {
    events.push(event);
    reporter.onEvent(event);
  };
  try {
    const journals = await readJournals(pool, selection.targets, selection.forks);
    const runId = values.run ?? newestRunId(journals);
    if (!runId) throw new InputError('no journal found on the selected hosts: nothing to roll back');
    const hosts = selection.targets.map((t) => t.name);
    emit({ type: 'run-start', runId, hosts, steps: [{ kind: 'rollback', label: `rollback ${runId}` }], batches: [hosts] });
    const limit = pLimit(selection.forks);
    const results = await Promise.all(journals.map((j) => limit(() => rollbackOne(pool, j, runId, emit))));
    const exitCode = rollbackExitCode(results);
    emit({ type: 'run-end', exitCode, summary: countOutcomes(results.map((r) => r.outcome)) });
    if (values.report) await writeReportFile(values.report, buildRunReport(events, { playbook: '(rollback)', startedAt, finishedAt: new Date() }));
    return exitCode;
  } finally {
    await pool.closeAll();
    await reporter.finish();
  }
}

export function registerRollback(program: Command): void {
  const command = program
    .command('rollback')
    .description('Restore hosts from their on-host journals (a crashed or interrupted run, or an earlier run on purpose) and verify.')
    .option('--run <id>', 'the run to undo (see `conntrack-fleet runs`)')
    .option('--last', 'undo the newest run found on the selected hosts')
    .option('--report <file>', 'write the JSON report to this file')
    .addHelpText('after', '\nExample:\n  conntrack-fleet rollback --last -i inventories/lab.yaml');
  addHostOptions(command).action(async (values: RollbackValues) => {
    process.exitCode = await runRollback(values);
  });
}

export function registerRuns(program: Command): void {
  const command = program
    .command('runs')
    .description('List the runs recorded in the hosts\' journals, newest last, with their state per host.')
    .addHelpText('after', '\nExample:\n  conntrack-fleet runs -i inventories/lab.yaml');
  addHostOptions(command).action(async (values: HostOptionValues) => {
    const selection = selectTargets(values);
    const pool = createPool(selection);
    try {
      const journals = await readJournals(pool, selection.targets, selection.forks);
      const { renderRuns } = await import('./runs-view.js');
      process.stdout.write(renderRuns(journals, selection.format === 'json'));
      process.exitCode = journals.some((j) => j.error) ? exitCodes.hostFailed : exitCodes.ok;
    } finally {
      await pool.closeAll();
    }
  });
}
