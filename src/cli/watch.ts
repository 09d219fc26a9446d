/**
 * `conntrack-fleet watch`: a live fleet view for an incident. The hosts are sampled by runner/watch-hosts.ts (one kept
 * connection per host, one round trip per interval); this file parses the flags, owns the stop signal and displays.
 * No lock and no setting changed; the only thing written is the host's peak file (facts/peak-watch.ts: on the first
 * sample, then at most once per 30 samples while a higher count is seen), nothing with --no-peak.
 */
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { nextRow, type TimedSample, type WatchRow } from '../facts/sample-rates.js';
import { parseDurationMs } from '../playbook/values.js';
import { peakVerboseLine } from '../report/peak-report.js';
import { toWatchJsonLine } from '../report/watch-json.js';
import { formatWatchQuiet, highestRates } from '../report/watch-summary.js';
import { createWatchScreen } from '../report/watch-screen.js';
import { watchHosts } from '../runner/watch-hosts.js';
import { selectTargets } from './hosts.js';
import { addReadOptions, parseCount, type ReadOptionValues } from './options.js';
import { formatListHosts } from './run-habits.js';

type WatchOptionValues = ReadOptionValues & {
  interval: string;
  count?: string;
  warnPercent: string;
  peak: boolean;
  verbose?: boolean;
};

const minIntervalMs = 200;

interface HostWatch {
  previous: TimedSample | null;
  row: WatchRow | null;
  /** The highest rates of the answered samples so far (--quiet's verdict, watch-summary.ts highestRates). */
  highest: WatchRow['perSecond'] | null;
}

function parseInterval(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms < minIntervalMs)
    throw new InputError(`--interval must be a duration ≥ ${minIntervalMs}ms such as 2s or 500ms, got "${text}"`);
  return ms;
}

export async function runWatch(values: WatchOptionValues): Promise<number> {
  const selection = selectTargets(values);
  const intervalMs = parseInterval(values.interval);
  const samples = values.count === undefined ? Number.POSITIVE_INFINITY : parseCount(values.count, '--count');
  const usageWarnPercent = parseCount(values.warnPercent, '--warn-percent');
  if (values.listHosts) {
    process.stdout.write(formatListHosts(null, 'all', [selection.targets.map((t) => t.name)]));
    return 0;
  }
  // --quiet: only the problems when it stops; an explicit -o json still streams its lines
  const quiet = values.quiet === true && values.output !== 'json';
  const json = !quiet && (selection.format === 'json' || process.stdout.isTTY !== true);
  const hosts = new Map<string, HostWatch>(
    selection.targets.map((t) => [t.name, { previous: null, row: null, highest: null }]),
  );
  const rows = (): WatchRow[] => [...hosts.values()].flatMap((h) => (h.row ? [h.row] : []));
  const screen =
    json || quiet
      ? null
      : createWatchScreen({
          stream: process.stdout,
          color: selection.color,
          intervalMs,
          usageWarnPercent,
          totalHosts: hosts.size,
        });
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `watch | head -5`: the reader went away (EPIPE), which ends the watch like Ctrl-C
  process.stdout.on('error', onSignal);
  const peakNotes = new Map<string, string>();
  const record = (sample: TimedSample): void => {
    const state = hosts.get(sample.host);
    if (!state) return;
    if (sample.sample?.peak) peakNotes.set(sample.host, peakVerboseLine(sample.host, sample.sample.peak));
    state.row = nextRow(state.previous, sample, state.row);
    if (state.row.up) state.highest = highestRates(state.highest, state.row);
    if (sample.sample) state.previous = sample;
    if (json) process.stdout.write(toWatchJsonLine(state.row, sample.atMs));
    else screen?.update(rows);
  };
  try {
    await watchHosts(selection.targets, {
      open: (target) => selection.connect(target, selection.connectOptions),
      intervalMs,
      samples,
      signal: stop.signal,
      record,
      keepPeak: values.peak !== false,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.stdout.off('error', onSignal);
    screen?.close();
  }
  if (values.verbose) for (const line of peakNotes.values()) process.stderr.write(`${line}\n`);
  if (quiet) {
    const verdicts = [...hosts.values()].flatMap((h) =>
      h.row ? [h.row.up && h.highest ? { ...h.row, perSecond: h.highest } : h.row] : [],
    );
    process.stdout.write(formatWatchQuiet(verdicts, hosts.size, usageWarnPercent));
  }
  return 0;
}

export function registerWatch(program: Command): void {
  const command = program
    .command('watch')
    .description(
      "Live view of the fleet's conntrack tables: usage and drops per second, worst host first; changes no setting.",
    )
    .option('--interval <duration>', 'time between samples of a host (e.g. 2s, 500ms)', '2s')
    .option('--count <n>', 'stop after n samples per host (default: until Ctrl-C)')
    .option('--warn-percent <n>', 'highlight hosts whose table is at least this full', '80')
    .option(
      '--no-peak',
      "strictly read-only: do not keep the highest count seen in the host's peak file (docs/sizing.md)",
    )
    .option(
      '-v, --verbose',
      'at the end, per host, what happened to its peak file (kept, written, skipped and why) to stderr',
    )
    .addHelpText(
      'after',
      '\nOn a terminal the view is redrawn in place (hosts beyond its height are summarised); elsewhere, or with\n' +
        '-o json, one JSON object per line per sample per host. --quiet prints nothing while sampling; when it stops,\n' +
        'the hosts not answering, at or above --warn-percent or dropping, and a summary line (-o json: lines as usual).\n' +
        'Exit codes: 0 stopped by Ctrl-C or after --count samples, 2 bad input.\n' +
        "\nExample:\n  conntrack-fleet watch -i inventories/prod.yaml --limit 'web*' --interval 2s",
    );
  addReadOptions(command).action(async (values: WatchOptionValues) => {
    process.exitCode = await runWatch(values);
  });
}
