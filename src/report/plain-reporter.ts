/** One `host: text` line per event worth seeing, for cron, CI and pipes; no ANSI at all unless color is on. */
import type { RunEvent } from '../runner/events.js';
import { createPaint, type Paint } from './paint.js';
import { describeEvent, type LineContext, type RunLine } from './run-lines.js';
import { summarizeRun } from './run-report.js';
import type { RunReporter, RunReporterOptions } from './run-reporter.js';
import { formatRunSummary } from './summary-line.js';
import { escapeOutput } from '../config/escape.js';

export function createPlainReporter(options: Pick<RunReporterOptions, 'stream' | 'color' | 'verbose'>): RunReporter {
  const paint = createPaint(options.color);
  const events: RunEvent[] = [];
  const context: LineContext = { batches: [], verbose: options.verbose ?? false };
  return {
    onEvent(event) {
      events.push(event);
      if (event.type === 'run-start') context.batches = event.batches;
      for (const line of describeEvent(event, context)) options.stream.write(`${escapeOutput(formatPlainLine(line, paint))}\n`);
    },
    async finish() {
      const tally = summarizeRun(events);
      options.stream.write(`${escapeOutput(formatRunSummary(tally.summary, tally.exitCode))}\n`);
    },
  };
}

export function formatPlainLine(line: RunLine, paint: Paint): string {
  const tint = { normal: (t: string) => t, good: paint.green, warn: paint.yellow, bad: paint.red }[line.tone];
  return `${line.prefix}: ${tint(line.text)}`;
}
