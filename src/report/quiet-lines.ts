/**
 * `--quiet` (run, rollback): of the plain lines, only the errors — a host's verdict when it carries an error or is a
 * failure, a stopped rollout, a failed gate, an error message. Warnings, progress and good news are left out, so a
 * cron job mails only when something went wrong (plus the summary line, which the reporter always prints). Pure.
 */
import type { HostResult, RunEvent } from '../runner/events.js';
import type { HostOutcome } from '../runner/outcome.js';
import { describeEvent, type LineContext, type RunLine } from './run-lines.js';

/** Failures even without an error text; any other verdict is shown only when it says why (skipped: locked, …). */
const alwaysShown: ReadonlySet<HostOutcome> = new Set(['failed', 'rollback-failed', 'unreachable']);

function isProblem(result: HostResult): boolean {
  return alwaysShown.has(result.outcome) || result.error !== null;
}

export function describeQuietEvent(event: RunEvent, context: LineContext): RunLine[] {
  switch (event.type) {
    case 'host-end':
      return isProblem(event.result)
        ? describeEvent(event, context).filter((line) => !line.text.startsWith('warning: '))
        : [];
    case 'batch-end':
    case 'gate-end':
      return describeEvent(event, context).filter((line) => line.tone === 'bad');
    case 'message':
      return event.level === 'error' ? describeEvent(event, context) : [];
    default:
      return [];
  }
}
