/** Picks the reporter for a run: the live listr2 tree, greppable plain lines, or one JSON report at the end. */
import type { RunEvent } from '../runner/events.js';
import type { ReportFormat } from './format.js';
import { createJsonReporter } from './json-reporter.js';
import { createPlainReporter } from './plain-reporter.js';

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
      return createLazyTreeReporter(options);
    case 'plain':
      return createPlainReporter(options);
    case 'json':
      return createJsonReporter(options);
  }
}

/**
 * The tree's modules (and cli-truncate's width tables) cost ~45 ms of CPU at start-up that a plain or JSON run never
 * needs (issue #10): loaded from here, while the first hosts connect. Events that come first wait in order; the tree
 * keeps no clock of its own in its state, so it shows the same. A failed load (a broken install) falls back to the
 * plain lines. test/cli/command-index.test.ts: run loads no tree module.
 */
function createLazyTreeReporter(options: RunReporterOptions): RunReporter {
  const waiting: RunEvent[] = [];
  let reporter: RunReporter | null = null;
  const loaded = import('./tree-reporter.js')
    .then(({ createTreeReporter }) => createTreeReporter(options))
    .catch(() => createPlainReporter(options))
    .then((created) => {
      reporter = created;
      for (const event of waiting.splice(0)) created.onEvent(event);
      return created;
    });
  return {
    onEvent(event) {
      if (reporter) reporter.onEvent(event);
      else waiting.push(event);
    },
    async finish() {
      await (await loaded).finish();
    },
  };
}
