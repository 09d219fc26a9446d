/**
 * -v/-vv/-vvv (counted, as Ansible's): per host, each remote exchange named by its phase (connect, lock, gather, a
 * step's label, journal, rollback, gate) with its duration; -vv adds the exit status and stderr; -vvv the script
 * sent and its stdout. Lines go to stderr in every output mode (stdout stays the report), redacted and escaped.
 */
import type { HostLogEvent, RunEvent } from '../runner/events.js';
import type { RunReporter } from './run-reporter.js';
import { escapeControl, escapeMessage } from '../config/escape.js';
import { safeLines } from './verbose-text.js';

export interface VerboseOptions {
  stream: NodeJS.WritableStream;
  /** The -v count, 1 to 3 (more counts as 3). */
  level: number;
  redact: (text: string) => string;
}

/** What the scripts a host runs now are for, from the run's own events (host-log carries no phase). */
export function createPhaseTracker(): { onEvent(event: RunEvent): void; phaseOf(event: HostLogEvent): string } {
  const phases = new Map<string, string>();
  let batches: string[][] = [];
  return {
    onEvent(event) {
      if (event.type === 'run-start') batches = event.batches;
      if (event.type === 'host-start') phases.set(event.host, 'gather');
      if (event.type === 'host-planned') phases.set(event.host, 'apply');
      if (event.type === 'step-start') phases.set(event.host, event.label);
      if (event.type === 'step-end') phases.set(event.host, 'journal');
      if (event.type === 'rollback-start') phases.set(event.host, 'rollback');
      if (event.type === 'gate-start') for (const host of batches[event.batch] ?? []) phases.set(host, 'gate');
    },
    phaseOf(event) {
      if (event.exchange === 'connect') return 'connect';
      if (event.exchange === 'hold') return 'lock';
      return phases.get(event.host) ?? 'script';
    },
  };
}

/** The lines of one host-log event at a verbosity; pure. */
export function formatHostLog(
  event: HostLogEvent,
  phase: string,
  level: number,
  redact: (text: string) => string,
): string[] {
  const prefix = `${event.host}: `;
  const indented = (label: string, text: string | undefined): string[] =>
    safeLines(text ?? '', redact).map((l) => `${prefix}  ${label} ${l}`);
  if (event.stage === 'sent') {
    if (level < 3 || event.script === undefined) return [];
    return [
      `${prefix}${phase}: sending script (${event.script.split('\n').length} lines)`,
      ...indented('>', event.script),
    ];
  }
  const took = `${phase} ${event.durationMs ?? 0}ms`;
  if (event.error !== undefined) return [`${prefix}${took}, failed: ${escapeMessage(redact(event.error))}`];
  const status = level >= 2 && event.exitCode !== undefined ? `, ${exitText(event)}` : '';
  const lines = [`${prefix}${took}${status}`];
  if (level >= 2) lines.push(...indented('stderr:', event.stderr));
  if (level >= 3) lines.push(...indented('stdout:', event.stdout));
  return lines;
}

function exitText(event: HostLogEvent): string {
  if (event.exitCode !== null && event.exitCode !== undefined) return `exit ${event.exitCode}`;
  return event.signal ? `killed by ${escapeControl(event.signal)}` : 'no exit status';
}

export function createVerboseReporter(options: VerboseOptions): RunReporter {
  const tracker = createPhaseTracker();
  const level = Math.min(3, Math.max(1, options.level));
  return {
    onEvent(event) {
      if (event.type !== 'host-log') return tracker.onEvent(event);
      const lines = formatHostLog(event, tracker.phaseOf(event), level, options.redact);
      if (lines.length > 0) options.stream.write(`${lines.join('\n')}\n`);
    },
    async finish() {
      // every line was written as it came
    },
  };
}
