/**
 * `conntrack-fleet watch`: a live fleet view for an incident. One SSH connection per host, kept open; every interval
 * one round trip re-reads count, max and the statistics with shell builtins (facts/sample-script.ts).
 * No lock and no setting changed; the only thing written is the host's peak file (facts/peak-watch.ts: on the first
 * sample, then at most once per 30 samples while a higher count is seen), nothing with --no-peak.
 */
import { setMaxListeners } from 'node:events';
import type { Command } from 'commander';
import { errorMessage, InputError } from '../errors.js';
import { afterPeakSample, initialPeakWatchState, nextPeakRequest, peakSampleScript } from '../facts/peak-watch.js';
import { nextRow, type TimedSample, type WatchRow } from '../facts/sample-rates.js';
import { parseSample, sampleScript } from '../facts/sample-script.js';
import { parseDurationMs } from '../playbook/values.js';
import { peakVerboseLine } from '../report/peak-report.js';
import { toWatchJsonLine } from '../report/watch-json.js';
import { formatWatchQuiet } from '../report/watch-summary.js';
import { createWatchScreen } from '../report/watch-screen.js';
import type { Connection } from '../transport/connection.js';
import { type HostSelection, selectTargets } from './hosts.js';
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
// a sample is a handful of builtins: one that takes longer than this is a host in trouble, shown as not answering
const minSampleTimeoutMs = 2_000;

interface HostWatch {
  previous: TimedSample | null;
  row: WatchRow | null;
}

function parseInterval(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms < minIntervalMs)
    throw new InputError(`--interval must be a duration ≥ ${minIntervalMs}ms such as 2s or 500ms, got "${text}"`);
  return ms;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

export interface HostLoopOptions {
  selection: Pick<HostSelection, 'connect' | 'connectOptions'>;
  intervalMs: number;
  samples: number;
  signal: AbortSignal;
  /** Default max(2 s, interval). */
  sampleTimeoutMs?: number;
  record(sample: TimedSample): void;
  /** Keep the host's peak file (facts/peak-watch.ts); off with --no-peak. */
  keepPeak?: boolean;
}

const noAnswer = Symbol('no answer');

/** The promise's value, or `noAnswer` after `ms` (the promise is left to settle on its own). */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof noAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof noAnswer>((resolve) => {
    timer = setTimeout(() => resolve(noAnswer), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function sampleOnce(
  connection: Connection,
  timeoutMs: number,
  script = sampleScript,
): Promise<{ sample: ReturnType<typeof parseSample>; error: string | null }> {
  // runScript's own timeout starts once the channel is open; a host gone silent may never open it (until keepalive
  // gives up, 45 s by default), so the whole round trip has a deadline too
  const result = await withDeadline(connection.runScript(script, { timeoutMs }), timeoutMs + 500);
  if (result === noAnswer) throw new Error(`no answer within ${timeoutMs} ms (channel not opened)`);
  const sample = result.exitCode === 0 ? parseSample(result.stdout) : null;
  if (sample) return { sample, error: null };
  const said = result.stderr.trim().split('\n').at(-1) ?? '';
  return {
    sample: null,
    error:
      result.exitCode === null
        ? `no answer within ${timeoutMs} ms`
        : `sample failed (exit ${result.exitCode})${said ? `: ${said}` : ''}`,
  };
}

/** Samples one host until stopped; reconnects at the next interval after a lost or silent connection. */
export async function watchHost(target: HostSelection['targets'][number], options: HostLoopOptions): Promise<void> {
  const { selection, intervalMs, signal } = options;
  const timeoutMs = options.sampleTimeoutMs ?? Math.max(minSampleTimeoutMs, intervalMs);
  let connection: Connection | null = null;
  let peak = initialPeakWatchState;
  for (let n = 0; n < options.samples && !signal.aborted; n += 1) {
    const startedMs = Date.now();
    const peakRequest = options.keepPeak ? nextPeakRequest(peak, Math.floor(startedMs / 1000)) : null;
    let answer: { sample: ReturnType<typeof parseSample>; error: string | null };
    try {
      if (!connection) {
        const opened: Connection = await selection.connect(target, selection.connectOptions);
        opened.onLost(() => {
          if (connection === opened) connection = null;
        });
        connection = opened;
      }
      answer = await sampleOnce(connection, timeoutMs, peakRequest ? peakSampleScript(peakRequest) : sampleScript);
    } catch (error) {
      answer = { sample: null, error: errorMessage(error) };
      const broken = connection;
      connection = null;
      void broken?.close();
    }
    if (signal.aborted) break;
    if (options.keepPeak)
      peak = afterPeakSample(peak, answer.sample, Math.floor(Date.now() / 1000), peakRequest !== null);
    options.record({ host: target.name, atMs: Date.now(), ...answer });
    if (n + 1 < options.samples) await sleep(intervalMs - (Date.now() - startedMs), signal);
  }
  await (connection as Connection | null)?.close();
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
  const hosts = new Map<string, HostWatch>(selection.targets.map((t) => [t.name, { previous: null, row: null }]));
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
  // every host's sleep listens to the one stop signal
  setMaxListeners(0, stop.signal);
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
    if (sample.sample) state.previous = sample;
    if (json) process.stdout.write(toWatchJsonLine(state.row, sample.atMs));
    else screen?.update(rows);
  };
  try {
    const keepPeak = values.peak !== false;
    const loops = Promise.all(
      selection.targets.map((t) =>
        watchHost(t, { selection, intervalMs, samples, signal: stop.signal, record, keepPeak }),
      ),
    );
    // Ctrl-C: a sample in flight may take up to its timeout; the exit does not wait for it
    await Promise.race([loops, new Promise((resolve) => stop.signal.addEventListener('abort', resolve))]);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.stdout.off('error', onSignal);
    screen?.close();
  }
  if (values.verbose) for (const line of peakNotes.values()) process.stderr.write(`${line}\n`);
  if (quiet) process.stdout.write(formatWatchQuiet(rows(), hosts.size, usageWarnPercent));
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
