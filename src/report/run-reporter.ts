/** Picks the reporter for a run: the live listr2 tree, greppable plain lines, or one JSON report at the end. */
import type { RunEvent } from '../runner/events.js';
import type { ReportFormat } from './format.js';
import { createJsonReporter } from './json-reporter.js';
import { createPlainReporter } from './plain-reporter.js';
import { createTreeReporter } from './tree-reporter.js';

export interface RunReporterOptions {
  format: ReportFormat;
  stream: NodeJS.WritableStream;
  color: boolean;
  /** Plain only: also show connect / facts / plan / step-start lines. */
  verbose?: boolean;
  /** Playbook path for the JSON report (optional; '' when not given). */
  playbook?: string;
  /** --check: the JSON says `check_mode: true`, the lines and the summary say "would change". */
  checkMode?: boolean;
  /** --diff: the JSON report carries each file's unified diff under its step. */
  diffs?: boolean;
  /** --quiet: no tree, and of the lines only the errors (quiet-lines.ts) and the summary; JSON is unchanged. */
  quiet?: boolean;
}

export interface RunReporter {
  onEvent(event: RunEvent): void;
  /** Flushes everything (tree: waits for listr2 to finish) and prints the summary line or the JSON report. */
  finish(): Promise<void>;
}

export function createRunReporter(options: RunReporterOptions): RunReporter {
  if (options.quiet === true && options.format !== 'json') return createPlainReporter(options);
  switch (options.format) {
    case 'tree':
      return createTreeReporter(options);
    case 'plain':
      return createPlainReporter(options);
    case 'json':
      return createJsonReporter(options);
  }
}
