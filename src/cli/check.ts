/**
 * `conntrack-fleet check`: changes no setting, one connection and one round trip per host; the same round trip keeps
 * the host's peak file (facts/peak.ts) unless --no-peak.
 */
import type { Command } from 'commander';
import { defaultFailAbovePercent } from '../facts/check-result.js';
import { createCheckReporter } from '../report/check-reporter.js';
import { checkHosts } from '../runner/check-hosts.js';
import { type PeakRequest, peakReadRequest } from '../facts/peak.js';
import { peakVerboseLine } from '../report/peak-report.js';
import { countOutcomes, exitCodeOf, exitCodes, readOutcome } from '../runner/outcome.js';
import { prometheusTarget, writePrometheusFile } from './check-prometheus.js';
import { selectTargets } from './hosts.js';
import { addReadOptions, parseCount, type ReadOptionValues } from './options.js';
import { formatListHosts } from './run-habits.js';

type CheckOptionValues = ReadOptionValues & {
  warnPercent: string;
  failAbovePercent: string;
  fail: boolean;
  prometheus?: string;
  peak: boolean;
  verbose?: boolean;
};

/** What check asks of the peak file: keep the highest count (as of `nowMs`), or with --no-peak only read it. */
export function checkPeakRequest(keep: boolean, nowMs: number): PeakRequest {
  return keep ? { mode: 'keep', source: 'check', atSeconds: Math.floor(nowMs / 1000) } : peakReadRequest;
}

export async function runCheck(values: CheckOptionValues): Promise<number> {
  const selection = selectTargets(values);
  if (values.listHosts) {
    process.stdout.write(formatListHosts(null, 'all', [selection.targets.map((t) => t.name)]));
    return 0;
  }
  const usageWarnPercent = parseCount(values.warnPercent, '--warn-percent');
  const alarmOptions = { failAbovePercent: parseCount(values.failAbovePercent, '--fail-above-percent') };
  const prometheusFile = values.prometheus === undefined ? null : prometheusTarget(values.prometheus);
  const reporter = createCheckReporter({
    format: selection.format,
    stream: process.stdout,
    color: selection.color,
    hosts: selection.targets.map((t) => t.name),
    usageWarnPercent,
    quiet: values.quiet === true,
  });
  const peak = checkPeakRequest(values.peak !== false, Date.now());
  const results = await checkHosts({
    targets: selection.targets,
    forks: selection.forks,
    open: (target) => selection.connect(target, selection.connectOptions),
    alarms: alarmOptions,
    peak,
    // check changes nothing: an interrupt ends the process as usual (no handler), so no host is "not started"
    isInterrupted: () => false,
    onResult: (result) => reporter.onResult(result),
  });
  await reporter.finish();
  if (values.verbose)
    for (const r of results) if (r.facts?.peak) process.stderr.write(`${peakVerboseLine(r.host, r.facts.peak)}\n`);
  if (prometheusFile && !(await writePrometheusFile(prometheusFile, results, selection.inventory)))
    return exitCodes.hostFailed;
  const alarmsFail = values.fail !== false;
  return exitCodeOf({ counts: countOutcomes(results.map((r) => readOutcome(r, { alarmsFail }))) }, 'check');
}

export function registerCheck(program: Command): void {
  const command = program
    .command('check')
    .description(
      "Read each host's conntrack state (usage, drops, max/hashsize/timeouts, NAT modules and rules); changes no setting, keeps the highest count seen in the host's peak file.",
    )
    .option('--warn-percent <n>', 'highlight hosts whose table is at least this full', '80')
    .option(
      '--fail-above-percent <n>',
      'a host whose table is at least this full is a problem (exit 1)',
      String(defaultFailAbovePercent),
    )
    .option('--no-fail', 'report problems (usage, drops) but exit 0 when every host answered')
    .option(
      '--no-peak',
      "strictly read-only: do not keep the highest count seen in the host's peak file (docs/sizing.md)",
    )
    .option('-v, --verbose', 'per host, what happened to its peak file (kept, written, skipped and why) to stderr')
    .option(
      '--prometheus <file>',
      'also write the state as Prometheus metrics (textfile collector), atomically; see docs/monitoring.md',
    )
    .addHelpText(
      'after',
      '\nProblems: usage ≥ --fail-above-percent, or a non-zero drop, early_drop or insert_failed counter; listed under\n' +
        'the host and in the JSON `problems`.\n' +
        'Exit codes: 0 every host answered and none has a problem (or --no-fail), 1 a host has a problem or did not\n' +
        'answer, 2 bad input.\n' +
        "\nExample:\n  conntrack-fleet check -i inventories/lab.yaml --limit 'lab*:!lab3' --output json",
    );
  addReadOptions(command).action(async (values: CheckOptionValues) => {
    process.exitCode = await runCheck(values);
  });
}
