/**
 * The live tree for a terminal: batch → host → step (or batch counts past the terminal's height), then notes in full
 * and the summary line. Events only change the state; frames are drawn from it at most 10 times a second
 * (tree-throttle.ts), so the cost of output does not grow with the number of events.
 */
import { errorMessage } from '../errors.js';
import type { RunEvent } from '../runner/events.js';
import { createPaint } from './paint.js';
import { createPlainReporter, formatPlainLine } from './plain-reporter.js';
import { summarizeRun } from './run-report.js';
import type { RunReporter, RunReporterOptions } from './run-reporter.js';
import { formatRunSummary } from './summary-line.js';
import { applyTreeEvent } from './tree-events.js';
import { keptForReport } from './kept-events.js';
import { renderFinalFrame, renderFrame } from './tree-frame.js';
import { createScreen, type Screen } from './tree-screen.js';
import { createTreeState, finalizeTreeState, type TreeState } from './tree-state.js';
import { createFrameScheduler, defaultFrameIntervalMs, type FrameClock, systemClock } from './tree-throttle.js';

type Terminal = { isTTY?: boolean; columns?: number; rows?: number };
import { escapeOutput } from '../config/escape.js';

/** A tree needs a terminal to redraw on; into a pipe or file it degrades to the plain lines. */
export function createTreeReporter(
  options: Pick<RunReporterOptions, 'stream' | 'color' | 'verbose' | 'checkMode'> & { clock?: FrameClock },
): RunReporter {
  const terminal = options.stream as Terminal;
  // a pty without a size (columns 0) would wrap every character: plain lines read better there
  if (terminal.isTTY !== true || !terminal.columns) return createPlainReporter(options);
  return createLiveTreeReporter(options);
}

function createLiveTreeReporter(
  options: Pick<RunReporterOptions, 'stream' | 'color' | 'checkMode'> & { clock?: FrameClock },
): RunReporter {
  const paint = createPaint(options.color);
  const clock = options.clock ?? systemClock;
  const terminal = options.stream as Terminal;
  const rows = (): number => terminal.rows || 24;
  const events: RunEvent[] = [];
  let state: TreeState | null = null;
  let screen: Screen | null = null;
  let drawError: string | null = null;
  let live = false;
  const draw = (): void => {
    if (state === null || screen === null || drawError !== null) return;
    try {
      screen.draw(
        renderFrame(state, { rows: rows(), tick: Math.floor(clock.now() / defaultFrameIntervalMs) }).map(escapeOutput),
      );
    } catch (error) {
      drawError = errorMessage(error); // the display must never fail the run
      return;
    }
    // the spinners move even when no event comes: the next frame is asked for at once, and comes one interval later
    if (live) scheduler.request();
  };
  const scheduler = createFrameScheduler(draw, { clock });
  return {
    onEvent(event) {
      if (keptForReport(event, {})) events.push(event);
      if (event.type === 'run-start' && state === null) {
        state = createTreeState(event, paint, { checkMode: options.checkMode === true });
        screen = createScreen(options.stream);
        live = true;
      } else if (state !== null) {
        applyTreeEvent(state, event);
        if (event.type === 'run-end') finalizeTreeState(state);
      }
      scheduler.request();
    },
    async finish() {
      live = false;
      scheduler.stop();
      const lines: string[] = [];
      if (state !== null && screen !== null) {
        finalizeTreeState(state);
        try {
          screen.close(renderFinalFrame(state, rows()).map(escapeOutput));
        } catch (error) {
          drawError ??= errorMessage(error);
        }
        lines.push(...state.notes.map((line) => formatPlainLine(line, paint)));
      }
      if (drawError !== null) lines.push(paint.red(`(the live tree failed: ${drawError})`));
      if (lines.length > 0) options.stream.write(`\n${escapeOutput(lines.join('\n'))}\n`);
      const tally = summarizeRun(events);
      options.stream.write(
        `\n${escapeOutput(formatRunSummary(tally.summary, tally.exitCode, { checkMode: options.checkMode === true }))}\n`,
      );
    },
  };
}
