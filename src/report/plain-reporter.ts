/** One `host: text` line per event worth seeing, for cron, CI and pipes; no ANSI at all unless color is on. */
import type { RunEvent } from '../runner/events.js';
import { keptForReport } from './kept-events.js';
import { createPaint, type Paint } from './paint.js';
import { describeQuietEvent } from './quiet-lines.js';
import { describeEvent, type LineContext, type RunLine } from './run-lines.js';
import { summarizeRun } from './run-report.js';
import type { RunReporter, RunReporterOptions } from './run-reporter.js';
import { formatRunSummary } from './summary-line.js';
import { escapeOutput } from '../config/escape.js';

export function createPlainReporter(
  options: Pick<RunReporterOptions, 'stream' | 'color' | 'verbose' | 'checkMode' | 'quiet'>,
): RunReporter {
  const paint = createPaint(options.color);
  const events: RunEvent[] = [];
  const context: LineContext = {
    batches: [],
    verbose: options.verbose ?? false,
    checkMode: options.checkMode === true,
  };
  const ended = new Set<string>();
  return {
    onEvent(event) {
      if (keptForReport(event, {})) events.push(event);
      if (event.type === 'run-start') context.batches = event.batches;
      const lines = options.quiet === true ? describeQuietEvent(event, context) : linesOnce(event, context, ended);
      for (const line of lines) options.stream.write(`${escapeOutput(formatPlainLine(line, paint))}\n`);
    },
    async finish() {
      const tally = summarizeRun(events);
      options.stream.write(
        `${escapeOutput(formatRunSummary(tally.summary, tally.exitCode, { checkMode: options.checkMode === true }))}\n`,
      );
    },
  };
}

/**
 * A host rolled back after its verdict (failed gate, on_abort) gets a second host-end: its new verdict is printed on
 * its own line like the first, but the warnings it repeats are not.
 */
function linesOnce(event: RunEvent, context: LineContext, ended: Set<string>): RunLine[] {
  const lines = describeEvent(event, context);
  if (event.type !== 'host-end') return lines;
  const again = ended.has(event.result.host);
  ended.add(event.result.host);
  return again ? lines.filter((line) => !line.text.startsWith('warning: ')) : lines;
}

export function formatPlainLine(line: RunLine, paint: Paint): string {
  const tint = { normal: (t: string) => t, good: paint.green, warn: paint.yellow, bad: paint.red }[line.tone];
  return `${line.prefix}: ${tint(line.text)}`;
}
