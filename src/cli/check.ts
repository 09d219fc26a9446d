/** `conntrack-fleet check`: read-only, one connection and one round trip per host. */
import type { Command } from 'commander';
import pLimit from 'p-limit';
import { ConnectError, connectFailureOf, errorMessage } from '../errors.js';
import { type CheckResult, defaultFailAbovePercent, withAlarms } from '../facts/check-result.js';
import { gatherFacts } from '../facts/gather.js';
import { createCheckReporter } from '../report/index.js';
import { countOutcomes, exitCodeOf, exitCodes, readOutcome } from '../runner/outcome.js';
import type { Connect, ConnectOptions, HostTarget } from '../transport/connection.js';
import { prometheusTarget, writePrometheusFile } from './check-prometheus.js';
import { selectTargets } from './hosts.js';
import { addReadOptions, parseCount, type ReadOptionValues } from './options.js';
import { formatListHosts } from './run-habits.js';

async function checkHost(connect: Connect, options: ConnectOptions, target: HostTarget): Promise<CheckResult> {
  let connection;
  try {
    connection = await connect(target, options);
  } catch (error) {
    const errorKind = connectFailureOf(error);
    return { host: target.name, reachable: false, error: errorMessage(error), facts: null, ...(errorKind && { errorKind }) };
  }
  try {
    const facts = await gatherFacts(connection, { files: [] });
    return { host: target.name, reachable: true, error: null, facts };
  } catch (error) {
    // a refused sudo (kind 'become') read nothing, as an unreachable host: the text and the JSON say the same
    const refused = error instanceof ConnectError && error.failure === 'become';
    return { host: target.name, reachable: !refused, error: errorMessage(error), facts: null, ...(refused && { errorKind: 'become' as const }) };
  } finally {
    await connection.close();
  }
}

type CheckOptionValues = ReadOptionValues & {
  warnPercent: string;
  failAbovePercent: string;
  fail: boolean;
  prometheus?: string;
};

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
  const limit = pLimit(selection.forks);
  const results = await Promise.all(
    selection.targets.map((target) =>
      limit(async () => {
        const result = withAlarms(await checkHost(selection.connect, selection.connectOptions, target), alarmOptions);
        reporter.onResult(result);
        return result;
      }),
    ),
  );
  await reporter.finish();
  if (prometheusFile && !(await writePrometheusFile(prometheusFile, results, selection.inventory))) return exitCodes.hostFailed;
  const alarmsFail = values.fail !== false;
  return exitCodeOf({ counts: countOutcomes(results.map((r) => readOutcome(r, { alarmsFail }))) }, 'check');
}

export function registerCheck(program: Command): void {
  const command = program
    .command('check')
    .description('Read each host\'s conntrack state (usage, drops, max/hashsize/timeouts, NAT modules and rules); changes nothing.')
    .option('--warn-percent <n>', 'highlight hosts whose table is at least this full', '80')
    .option('--fail-above-percent <n>', 'a host whose table is at least this full is a problem (exit 1)', String(defaultFailAbovePercent))
    .option('--no-fail', 'report problems (usage, drops) but exit 0 when every host answered')
    .option('--prometheus <file>', 'also write the state as Prometheus metrics (textfile collector), atomically; see docs/monitoring.md')
    .addHelpText(
      'after',
      '\nProblems: usage ≥ --fail-above-percent, or a non-zero drop, early_drop or insert_failed counter; listed under\n' +
        'the host and in the JSON `problems`.\n' +
        'Exit codes: 0 every host answered and none has a problem (or --no-fail), 1 a host has a problem or did not\n' +
        'answer, 2 bad input.\n' +
        '\nExample:\n  conntrack-fleet check -i inventories/lab.yaml --limit \'lab*:!lab3\' --output json',
    );
  addReadOptions(command).action(async (values: CheckOptionValues) => {
    process.exitCode = await runCheck(values);
  });
}
