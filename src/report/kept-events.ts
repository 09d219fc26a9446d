/**
 * Which events a reporter keeps for the end of the run (run-report.ts reads run-start, host-start, host-end, the
 * gate and batch events and run-end; with --diff also host-planned, for each step's file diffs). A host's facts and
 * plans carry its file contents: they are shown as they come and not kept, else every host's stay in memory until
 * the run ends (issue 10: controller memory at 1000 hosts).
 */
import type { RunEvent } from '../runner/events.js';

export function keptForReport(event: RunEvent, options: { diffs?: boolean }): boolean {
  if (event.type === 'host-facts') return false;
  if (event.type === 'host-planned') return options.diffs === true;
  return true;
}
