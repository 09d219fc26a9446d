/** `rollback` restores hosts from their own journals (after a crash, or on purpose) and verifies them. */
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { buildRunReport, createRunReporter, type RunReporter, writeReportFile } from '../report/index.js';
import type { HostResult, RunEvent } from '../runner/events.js';
import { countOutcomes, exitCodeOf, exitCodes, summaryOf } from '../runner/outcome.js';
import { rollBackHosts } from '../runner/rollback-hosts.js';
import { createPool, selectTargets } from './hosts.js';
import { checkRunKnown, type HostJournals, newestRunId, readJournals } from './journal-decisions.js';
import {
  addHostOptions,
  addQuietOption,
  type HostOptionValues,
  inventoryFlags,
  type ReadOptionValues,
} from './options.js';
import { rollbackCommand } from './stop-now.js';
import { newRunId } from './run-id.js';
import { watchSignals } from './signals.js';

export { registerRuns } from './runs-view.js';

interface RollbackValues extends HostOptionValues, Pick<ReadOptionValues, 'quiet'> {
  run?: string;
  last?: boolean;
  includeNewer?: boolean;
  force?: boolean;
  report?: string;
}

/**
 * For --last: why there is nothing to undo (every host answered and none has a journal, or the newest run applied
 * no change on any host: a crash before its first write), or null. A host whose journal could not be read may hide a change, so it is never "nothing".
 */
export function nothingToRollBack(journals: HostJournals[], runId: string | null): string | null {
  if (journals.some((j) => j.error)) return null;
  if (!runId) return 'no run has left a journal on the selected hosts';
  const entries = journals.flatMap((j) => j.entries.filter((e) => e.run_id === runId));
  return entries.every((e) => e.applied_count === 0)
    ? `the last run, ${runId}, changed nothing on the selected hosts`
    : null;
}

/** A skipped host with no journal of the run had nothing to do; one locked or interrupted did not roll back. */
export function rollbackExitCode(results: HostResult[], interrupted: boolean): number {
  return exitCodeOf(summaryOf(results, { interrupted }), 'rollback');
}

export async function runRollback(values: RollbackValues): Promise<number> {
  if (!values.run === !values.last) throw new InputError('rollback needs exactly one of --run RUN_ID or --last');
  const selection = selectTargets(values);
  const pool = createPool(selection);
  const startedAt = new Date();
  const events: RunEvent[] = [];
  // the report (summary line, JSON) starts once there is a rollback to show, or nothing to roll back: bad input
  // found in the journals (an unknown run id, exit 2) prints its error only, not a "0 hosts: none (exit 0)" report
  const shown: { reporter: RunReporter | null } = { reporter: null };
  const startReport = (): void => {
    const reporter = createRunReporter({
      format: selection.format,
      stream: process.stdout,
      color: selection.color,
      playbook: '(rollback)',
      quiet: values.quiet === true,
    });
    events.forEach((event) => reporter.onEvent(event));
    shown.reporter = reporter;
  };
  const emit = (event: RunEvent) => {
    events.push(event);
    shown.reporter?.onEvent(event);
  };
  let chosenRunId: string | null = values.run ?? null;
  const signals = watchSignals({
    onFirst: (signal) =>
      emit({
        type: 'message',
        level: 'warn',
        text: `${signal}: starting no new host; rollbacks in progress finish (interrupt again to stop at once)`,
      }),
    busyHosts: () => pool.busyHosts(),
    drain: () => pool.drain(),
    // read when the stop happens: by then the run id is known (--last resolves it from the journals)
    get stopHint() {
      return chosenRunId
        ? `Finish it with: ${rollbackCommand(chosenRunId, inventoryFlags(values))}`
        : 'Run the same rollback again to finish it.';
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
      startReport();
      return exitCodes.ok;
    }
    if (!runId) throw new InputError('no journal found on the selected hosts: nothing to roll back');
    checkRunKnown(runId, journals);
    const hosts = selection.targets.map((t) => t.name);
    startReport();
    emit({
      type: 'run-start',
      runId,
      hosts,
      steps: [{ kind: 'rollback', label: `rollback ${runId}` }],
      batches: [hosts],
    });
    const lockId = `rollback-${newRunId(startedAt)}`;
    const includeNewer = values.includeNewer === true;
    const options = {
      pool,
      runId,
      lockId,
      startedAt,
      forks: selection.forks,
      emit,
      isInterrupted: signals.isInterrupted,
      includeNewer,
      force: values.force === true,
    };
    const results = await rollBackHosts(options, journals);
    const exitCode = rollbackExitCode(results, signals.isInterrupted());
    emit({ type: 'run-end', exitCode, summary: countOutcomes(results.map((r) => r.outcome)) });
    if (values.report)
      await writeReportFile(
        values.report,
        buildRunReport(events, { playbook: '(rollback)', startedAt, finishedAt: new Date(), exitCode }),
      );
    return exitCode;
  } finally {
    await pool.closeAll();
    signals.dispose();
    await shown.reporter?.finish();
  }
}

export function registerRollback(program: Command): void {
  const command = program
    .command('rollback')
    .description(
      'Restore hosts from their on-host journals (a crashed or interrupted run, or an earlier run on purpose) and verify.',
    )
    .option('--run <id>', 'the run to undo (see `conntrack-fleet runs`)')
    .option('--last', 'undo the newest run found on the selected hosts')
    .option(
      '--include-newer',
      'where newer runs changed the same values, files or modules, undo them first (newest first) instead of refusing the host',
    )
    .option(
      '--force',
      'restore hosts where a knob or file changed since the run (drift) anyway, overwriting that change (the report says what was overwritten)',
    )
    .option('--report <file>', 'write the JSON report to this file')
    .addHelpText(
      'after',
      [
        '',
        'Before restoring, each host is compared with what the run left there (knob values; files: bytes, mode, owner,',
        'file type and links). A host changed since the run (an edit, a symlink, a value set by hand or by kube-proxy)',
        'is refused, nothing restored: outcome failed, error kind drift, exit 1, each change named. --force restores it.',
        '',
        'Examples:',
        '  conntrack-fleet rollback --last -i inventories/lab.yaml',
        '  conntrack-fleet rollback --run 20261126T173501Z-3f9a -i inventories/prod.yaml --limit web1',
        '  conntrack-fleet rollback --last -i inventories/lab.yaml --limit web1 --force',
      ].join('\n'),
    );
  addQuietOption(addHostOptions(command)).action(async (values: RollbackValues) => {
    process.exitCode = await runRollback(values);
  });
}
