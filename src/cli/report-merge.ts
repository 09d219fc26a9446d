/**
 * `conntrack-fleet report merge A.json B.json …`: the `--report` files of the shards of one rollout (`run --shard
 * I/N` on several controllers) as ONE report and ONE exit code, computed as each run computes its own
 * (runner/outcome.ts exitCodeOf over the merged host outcomes; a shard whose rollout stopped makes it 3, an
 * interrupted one 130, a failed rollback 4). Hosts are concatenated in file order; a host in two files is bad input
 * (overlapping shards). Bad input (unreadable file, not a run report): exit 2 naming the file. Batch numbers are
 * each shard's own (a shard batches its own hosts) and count from 1; a report written before they did (it has a
 * batch 0) is read with its batches shifted by one, so shards from old and new controllers merge alike.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError, errorMessage } from '../errors.js';
import type { GateReport, HostReport, RunReport } from '../report/run-report.js';
import { writeReportFile } from '../report/report-file.js';
import { formatRunSummary } from '../report/summary-line.js';
import { allOutcomes, countOutcomes, exitCodeOf, exitCodes, type HostOutcome } from '../runner/outcome.js';

export interface ShardSummary {
  file: string;
  run_id: string | null;
  exit_code: number;
  hosts: number;
  started_at: string;
  finished_at: string;
}

/** A RunReport of the whole fleet (run_id null when the shards' ids differ), plus where each part came from. */
export interface MergedRunReport extends RunReport {
  shards: ShardSummary[];
  gates: (GateReport & { shard: string })[];
}

const outcomes = new Set<string>(allOutcomes);

/** Throws InputError naming the file and the first thing that is not as `run --report` writes it. */
export function parseRunReport(file: string, text: string): RunReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not JSON (${errorMessage(error)}); expected a report written by run --report`);
  }
  const report = value as Partial<RunReport> | null;
  const problem =
    typeof report !== 'object' || report === null || Array.isArray(report)
      ? 'not a JSON object'
      : !Array.isArray(report.hosts)
        ? 'no "hosts" list'
        : typeof report.exit_code !== 'number'
          ? 'no numeric "exit_code"'
          : typeof report.started_at !== 'string' || typeof report.finished_at !== 'string'
            ? 'no "started_at"/"finished_at"'
            : report.hosts.find(
                  (h: Partial<HostReport>) => typeof h?.host !== 'string' || !outcomes.has(String(h.outcome)),
                )
              ? 'a host entry without "host" or with an unknown "outcome"'
              : null;
  if (problem)
    throw new InputError(
      `${file}: ${problem}; expected a report written by run --report (a check -o json array cannot be merged)`,
    );
  const parsed = report as RunReport;
  return batchesFromOne({ ...parsed, gates: Array.isArray(parsed.gates) ? parsed.gates : [] });
}

/** A report numbering batches from 0 (before issue #12: run-report-hosts.ts reportBatch) as one numbering from 1. */
function batchesFromOne(report: RunReport): RunReport {
  const fromZero = [...report.hosts, ...report.gates].some((entry) => entry.batch === 0);
  if (!fromZero) return report;
  const shift = <T extends { batch: number }>(entry: T): T =>
    typeof entry.batch === 'number' ? { ...entry, batch: entry.batch + 1 } : entry;
  return { ...report, hosts: report.hosts.map(shift), gates: report.gates.map(shift) };
}

/** Pure: the merged report; throws InputError when a host is in two reports. */
export function mergeRunReports(inputs: { file: string; report: RunReport }[]): MergedRunReport {
  const seen = new Map<string, string>();
  const hosts: HostReport[] = [];
  for (const { file, report } of inputs) {
    for (const host of report.hosts) {
      const other = seen.get(host.host);
      if (other !== undefined)
        throw new InputError(
          `${file}: host ${host.host} is also in ${other}; shards must not overlap (same N, each I once)`,
        );
      seen.set(host.host, file);
      hosts.push(host);
    }
  }
  const reports = inputs.map((i) => i.report);
  const summary = countOutcomes(hosts.map((h) => h.outcome as HostOutcome));
  const exitCode = exitCodeOf(
    {
      counts: summary,
      stopped: reports.some((r) => r.exit_code === exitCodes.rolloutStopped),
      interrupted: reports.some((r) => r.exit_code === exitCodes.interrupted),
    },
    'run',
  );
  const runIds = new Set(reports.map((r) => r.run_id));
  const playbooks = [...new Set(reports.map((r) => r.playbook))];
  return {
    run_id: runIds.size === 1 ? (reports[0]?.run_id ?? null) : null,
    playbook: playbooks.join(', '),
    started_at: reports.map((r) => r.started_at).sort()[0] ?? '',
    finished_at:
      reports
        .map((r) => r.finished_at)
        .sort()
        .at(-1) ?? '',
    exit_code: exitCode,
    // a shard that changed hosts makes the merged run a real one
    check_mode: reports.every((r) => r.check_mode),
    hosts,
    summary,
    gates: inputs.flatMap(({ file, report }) => report.gates.map((gate) => ({ ...gate, shard: file }))),
    shards: inputs.map(({ file, report }) => ({
      file,
      run_id: report.run_id,
      exit_code: report.exit_code,
      hosts: report.hosts.length,
      started_at: report.started_at,
      finished_at: report.finished_at,
    })),
  };
}

function readReport(file: string): RunReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read (${errorMessage(error)})`);
  }
  return parseRunReport(file, text);
}

/** The run's own summary line (check-mode shards say `would change`, as their runs did), after the shard count. */
export function mergeSummaryLine(merged: MergedRunReport): string {
  const line = formatRunSummary(merged.summary, merged.exit_code, { checkMode: merged.check_mode });
  return `merged ${merged.shards.length} ${merged.shards.length === 1 ? 'report' : 'reports'}: ${line}`;
}

export function registerReport(program: Command): void {
  const report = program
    .command('report')
    .description('Work with JSON run reports (run --report FILE).')
    .addHelpText('after', '\nExample:\n  conntrack-fleet report merge shard-1.json shard-2.json --report fleet.json');
  report
    .command('merge')
    .description('Merge the run reports of shards (run --shard I/N) into one report and one exit code.')
    .argument('<reports...>', 'run reports written by run --report')
    .option('--report <file>', 'write the merged report here (atomically; as run --report) instead of stdout')
    .addHelpText(
      'after',
      '\nExit code: what one run over all the hosts would have exited with (0, 1, 3, 4, 130); 2 bad input.\n\nExample:\n  conntrack-fleet report merge shard-1.json shard-2.json shard-3.json --report fleet.json',
    )
    .action(async (files: string[], values: { report?: string }) => {
      const merged = mergeRunReports(files.map((file) => ({ file, report: readReport(file) })));
      if (values.report) await writeReportFile(values.report, merged);
      else process.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
      process.stderr.write(`${mergeSummaryLine(merged)}\n`);
      process.exitCode = merged.exit_code;
    });
}
