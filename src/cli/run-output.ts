/**
 * Where a run's events go: the chosen format on stdout, `--log`'s plain lines appended to a file, and -v's remote
 * exchanges on stderr; and the end of it all, once, with the run's end line. Output never changes the run: this only
 * displays and keeps the events for the report and --diff.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { createRunReporter, type ReportFormat, type RunReporter } from '../report/index.js';
import { keptForReport } from '../report/kept-events.js';
import { createVerboseReporter } from '../report/verbose.js';
import { createRedactor } from '../report/verbose-text.js';
import type { RunEvent } from '../runner/events.js';

export interface RunOutputOptions {
  playbookFile: string;
  runId: string;
  startedAt: Date;
  checkMode: boolean;
  diffs: boolean;
  format: ReportFormat;
  color: boolean;
  quiet: boolean;
  /** -v count; 0 = no exchange lines. */
  verbosity: number;
  /** Redacted from the -v lines. */
  secrets: Set<string>;
  /** --log FILE; undefined = no log. */
  logFile: string | undefined;
}

export interface RunOutput {
  /** The -v printer, null without -v: host-log events go to it alone (script text at -vvv is not kept for the run). */
  verbose: RunReporter | null;
  /** Every event to every reporter; those the report reads appended to `events`. */
  listener(events: RunEvent[]): (event: RunEvent) => void;
  /** Finishes every reporter, ends the log with `# endLine`, prints endLine to stderr; once, however often called. */
  finish(endLine: string): Promise<void>;
}

export function openRunOutput(options: RunOutputOptions): RunOutput {
  const { verbosity } = options;
  // the live tree owns the terminal: -v lines on stderr would tear it, so -v runs print plain lines
  const format = verbosity > 0 && options.format === 'tree' ? 'plain' : options.format;
  const shared = { playbook: options.playbookFile, checkMode: options.checkMode, diffs: options.diffs };
  const reporters = [
    createRunReporter({ ...shared, format, stream: process.stdout, color: options.color, quiet: options.quiet }),
  ];
  const logStream = options.logFile ? openLog(options.logFile, options) : null;
  if (logStream) reporters.push(createRunReporter({ ...shared, format: 'plain', stream: logStream, color: false }));
  const redact = createRedactor(options.secrets);
  const verbose = verbosity > 0 ? createVerboseReporter({ stream: process.stderr, level: verbosity, redact }) : null;
  if (verbose) reporters.push(verbose);
  let finished: Promise<void> | null = null;
  return {
    verbose,
    listener: (events) => (event) => {
      // what the --report file and --diff read, not every host's facts (report/kept-events.ts)
      if (keptForReport(event, options)) events.push(event);
      for (const reporter of reporters) reporter.onEvent(event);
    },
    // once: the second signal's exit path and the run's own end may both get here
    finish: (endLine) =>
      (finished ??= (async () => {
        for (const reporter of reporters) await reporter.finish();
        if (logStream) await new Promise<void>((resolve) => logStream.end(`# ${endLine}\n`, resolve));
        process.stderr.write(`${endLine}\n`);
      })()),
  };
}

/** `--log`: plain lines appended, each run headed by its id and start time (cron keeps one file for all runs). */
function openLog(file: string, run: { runId: string; startedAt: Date; playbookFile: string }): WriteStream {
  const stream = createWriteStream(file, { flags: 'a' });
  stream.write(`# ${run.startedAt.toISOString()} run ${run.runId}: ${run.playbookFile}\n`);
  return stream;
}
