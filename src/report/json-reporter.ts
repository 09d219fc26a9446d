/** Silent during the run; at the end, the whole RunReport as one JSON document. */
import type { RunEvent } from '../runner/events.js';
import { keptForReport } from './kept-events.js';
import { buildRunReport } from './run-report.js';
import type { RunReporter, RunReporterOptions } from './run-reporter.js';
import { stringifyJson } from '../config/escape.js';

export function createJsonReporter(
  options: Pick<RunReporterOptions, 'stream' | 'playbook' | 'checkMode' | 'diffs'>,
): RunReporter {
  const events: RunEvent[] = [];
  let startedAt = new Date();
  return {
    onEvent(event) {
      if (event.type === 'run-start') startedAt = new Date();
      if (keptForReport(event, options)) events.push(event);
    },
    async finish() {
      const report = buildRunReport(events, {
        playbook: options.playbook ?? '',
        startedAt,
        finishedAt: new Date(),
        checkMode: options.checkMode === true,
        diffs: options.diffs === true,
      });
      options.stream.write(`${stringifyJson(report)}\n`);
    },
  };
}
