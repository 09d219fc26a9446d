/** `conntrack-fleet run PLAYBOOK`: plan every host, apply with read-back, roll back on failure; batches, gate, abort. */
import type { Command } from 'commander';
import { loadPlaybook } from '../playbook/index.js';
import { buildRunReport, writeReportFile } from '../report/index.js';
import { formatRunEndLine, formatRunStartLine } from '../report/summary-line.js';
import { splitBatches } from '../runner/batches.js';
import type { RunEvent } from '../runner/events.js';
import { runFleet } from '../runner/fleet.js';
import { withHostLog } from '../runner/host-log.js';
import { exitCodeOf, exitCodes, type HostOutcome, summaryOf } from '../runner/outcome.js';
import { printDiffs } from './diffs.js';
import { countVerbose, type RunValues, withOverrides } from './run-options.js';
import { openRunOutput } from './run-output.js';
import { createPool, selectTargets } from './hosts.js';
import { addHostOptions, addQuietOption, inventoryFlags, quietWith } from './options.js';
import { writeRetryFile } from './retry-file.js';
import { formatListHosts, formatSyntaxOk, knownSecrets, withSecretCapture } from './run-habits.js';
import { newRunId } from './run-id.js';
import { watchSignals } from './signals.js';
import { createStopNow, rollbackCommand } from './stop-now.js';
import { escapeControl } from '../config/escape.js';

/** Hosts the rollback command should name: anything this run may have left changed. */
function mayHaveChanged(counts: Record<HostOutcome, number>): boolean {
  return counts.changed + counts['rollback-failed'] > 0;
}

export async function runPlaybook(playbookFile: string, values: RunValues): Promise<number> {
  const playbook = withOverrides(loadPlaybook(playbookFile), values);
  const selection = selectTargets(values, playbook.hosts, playbook.hostsPosition);
  // both need no connection: everything above is offline (FILE:LINE:COL errors, exit 2)
  if (values.syntaxCheck) return printed(formatSyntaxOk(playbookFile));
  if (values.listHosts)
    return printed(
      formatListHosts(
        playbookFile,
        playbook.hosts,
        splitBatches(selection.targets, playbook.serial).map((b) => b.map((t) => t.name)),
      ),
    );
  const checkMode = values.check === true;
  const verbosity = values.verbose ?? 0;
  const quiet = quietWith(values, verbosity);
  const secrets = knownSecrets(selection.targets, process.env);
  const targets = withSecretCapture(selection.targets, secrets);
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const shared = { playbook: playbookFile, checkMode, diffs: values.diff === true };
  const output = openRunOutput({
    playbookFile,
    runId,
    startedAt,
    checkMode,
    diffs: shared.diffs,
    quiet,
    verbosity,
    secrets,
    format: selection.format,
    color: selection.color,
    logFile: values.log,
  });
  const { verbose } = output;
  const events: RunEvent[] = [];
  const stopNow = createStopNow(runId, inventoryFlags(values), output.listener(events));
  const emit = stopNow.emit;
  // host-log events (script text at -vvv) go to the -v printer alone: no other reporter keeps them for the whole run
  const connect = verbose
    ? withHostLog(selection.connect, { emit: (event) => verbose.onEvent(event), level: verbosity })
    : selection.connect;
  const pool = createPool({ ...selection, connect });
  const undo = rollbackCommand(runId, inventoryFlags(values));
  const signals = watchSignals({
    onSecond: () => stopNow.begin(),
    finish: async () => {
      stopNow.end();
      await output.finish(formatRunEndLine(runId, exitCodes.interrupted, undo));
      if (values.report)
        await writeReportFile(
          values.report,
          buildRunReport(events, { ...shared, startedAt, finishedAt: new Date(), exitCode: exitCodes.interrupted }),
        );
    },
    onFirst: (signal) =>
      emit({
        type: 'message',
        level: 'warn',
        text: `${signal}: starting no new host; hosts mid-run finish their step and are rolled back (interrupt again to stop at once)`,
      }),
    busyHosts: () => pool.busyHosts(),
    drain: () => pool.drain(),
    stopHint: `Hosts changed so far keep their journals; undo them with: ${undo}`,
  });
  if (!quiet) process.stderr.write(`${formatRunStartLine(runId, playbookFile, { checkMode })}\n`);
  let exitCode: number | null = null;
  let retryLine: string | null = null;
  let changed = false;
  try {
    const result = await runFleet({
      playbook,
      targets,
      forks: selection.forks,
      checkOnly: checkMode,
      runId,
      startedAt,
      pool,
      emit,
      isInterrupted: signals.isInterrupted,
    });
    // stopped by a second signal: its path writes the summary and the report and exits 130
    const stopped = signals.stopped();
    if (stopped) await stopped;
    const summary = summaryOf(result.results, { stopped: result.stopped, interrupted: result.interrupted });
    const { counts } = summary;
    changed = !checkMode && mayHaveChanged(counts);
    exitCode = exitCodeOf(summary, 'run');
    emit({ type: 'run-end', exitCode, summary: counts });
    if (values.retryFile) {
      const count = await writeRetryFile(values.retryFile, selection.inventory, targets, result.results);
      retryLine = `retry inventory: ${count} ${count === 1 ? 'host' : 'hosts'} in ${values.retryFile}`;
    }
  } finally {
    await pool.closeAll();
    signals.dispose();
    await output.finish(formatRunEndLine(runId, exitCode, changed ? undo : undefined));
  }
  // null only when runFleet threw, and then the error has already left this function
  const code = exitCode ?? 1;
  if (retryLine) process.stderr.write(`${escapeControl(retryLine)}\n`);
  if (values.diff && selection.format !== 'json') printDiffs(events, process.stdout);
  if (values.report)
    await writeReportFile(
      values.report,
      buildRunReport(events, { ...shared, startedAt, finishedAt: new Date(), exitCode: code }),
    );
  return code;
}

function printed(text: string): number {
  process.stdout.write(text);
  return 0;
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('Apply a playbook: snapshot, change, read back; on any failure restore the host exactly.')
    .argument('<playbook>', 'YAML playbook (see playbooks/tune.yaml)')
    .option('-C, --check', "show each host's plan and change nothing")
    .option('-D, --diff', 'show the unified diff of every file the run writes (or would write, with --check)')
    .option('--report <file>', 'write the JSON run report to this file')
    .option('--serial <sizes>', 'batches, overriding the playbook: e.g. 1,10%,100%')
    .option('--canary <n>', 'shortcut for --serial N,100%')
    .option(
      '--max-fail-percentage <n>',
      'a batch whose failed hosts exceed this share of the hosts tried stops the rollout (default from playbook, 0); unreachable and locked hosts do not count',
    )
    .option(
      '--max-unreachable-percent <n>',
      'a batch whose unreachable or locked hosts exceed this share stops the rollout, exit 3 (default from playbook, unlimited)',
    )
    .option(
      '--retry-file <file>',
      'write an inventory of the hosts that failed, were unreachable, locked or never started, to rerun just those with -i FILE',
    )
    .option('--log <file>', 'append plain event lines to this file (for cron)')
    .option('--list-hosts', 'print the hosts the run would touch, batch by batch, and exit 0; no connection')
    .option(
      '--syntax-check',
      'check the playbook, inventory, patterns and flags offline, print `playbook: FILE`, exit 0 (bad input: exit 2); no connection',
    )
    .option(
      '-v, --verbose',
      'per host, each remote exchange with its duration to stderr; -vv adds exit status and stderr, -vvv the script sent and its stdout (secrets redacted)',
      countVerbose,
      0,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  conntrack-fleet run playbooks/tune.yaml -i inventories/lab.yaml --check --diff\n  conntrack-fleet run playbooks/tune.yaml -i inventories/prod.yaml --canary 1 --retry-file retry.yaml\n\nRollouts, gates, journals and scheduling: docs/rollouts.md',
    );
  addQuietOption(addHostOptions(command)).action(async (playbook: string, values: RunValues) => {
    process.exitCode = await runPlaybook(playbook, values);
  });
}
