/** The live listr2 tree for a terminal: batch → host → step, then notes in full and the summary line. */
import { Listr } from 'listr2';
import { errorMessage } from '../errors.js';
import type { RunEvent } from '../runner/events.js';
import { createStreamLogger, defaultRendererColors, StreamDefaultRenderer } from './listr-output.js';
import { createPaint, type Paint } from './paint.js';
import { createPlainReporter, formatPlainLine } from './plain-reporter.js';
import { summarizeRun } from './run-report.js';
import type { RunReporter, RunReporterOptions } from './run-reporter.js';
import { formatRunSummary } from './summary-line.js';
import { applyTreeEvent } from './tree-events.js';
import { createTreeState, finalizeTreeState, type TreeState } from './tree-state.js';
import { buildRootTasks, type TreeTask } from './tree-tasks.js';
import { escapeOutput } from '../config/escape.js';

/** A tree needs a terminal to redraw on; into a pipe or file it degrades to the plain lines. */
export function createTreeReporter(options: Pick<RunReporterOptions, 'stream' | 'color' | 'verbose'>): RunReporter {
  const terminal = options.stream as { isTTY?: boolean; columns?: number };
  // a pty without a size (columns 0) makes listr2 wrap every character: plain lines read better there
  if (terminal.isTTY !== true || !terminal.columns) return createPlainReporter(options);
  return createLiveTreeReporter(options);
}

function createLiveTreeReporter(options: Pick<RunReporterOptions, 'stream' | 'color'>): RunReporter {
  const paint = createPaint(options.color);
  const events: RunEvent[] = [];
  let state: TreeState | null = null;
  let rendering: Promise<string | null> = Promise.resolve(null);
  return {
    onEvent(event) {
      events.push(event);
      if (event.type === 'run-start' && state === null) {
        state = createTreeState(event, paint);
        rendering = renderTree(buildRootTasks(state), state.batches.length === 1, options.stream, paint);
        return;
      }
      if (state === null) return;
      applyTreeEvent(state, event);
      if (event.type === 'run-end') finalizeTreeState(state);
    },
    async finish() {
      if (state !== null) finalizeTreeState(state);
      const renderError = await rendering;
      const notes = state?.notes ?? [];
      const lines = notes.map((line) => formatPlainLine(line, paint));
      if (renderError !== null) lines.push(paint.red(`(the live tree failed: ${renderError})`));
      if (lines.length > 0) options.stream.write(`\n${escapeOutput(lines.join('\n'))}\n`);
      const tally = summarizeRun(events);
      options.stream.write(`\n${escapeOutput(formatRunSummary(tally.summary, tally.exitCode))}\n`);
    },
  };
}

/** Resolves with null when listr2 finished, or with its error text: the display must never fail the run. */
async function renderTree(tasks: TreeTask[], concurrent: boolean, stream: NodeJS.WritableStream, paint: Paint): Promise<string | null> {
  try {
    await createListr(tasks, concurrent, stream, paint).run();
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}

function createListr(tasks: TreeTask[], concurrent: boolean, stream: NodeJS.WritableStream, paint: Paint): { run(): Promise<unknown> } {
  return new Listr(tasks, {
    concurrent,
    exitOnError: false,
    // the CLI owns Ctrl-C (it must roll back); listr2's handler would process.exit(127)
    registerSignalListeners: false,
    renderer: StreamDefaultRenderer,
    rendererOptions: { logger: createStreamLogger(stream), collapseSubtasks: false, color: defaultRendererColors(paint) },
  });
}
