/** The one line every run format ends with: `5 hosts: 3 changed, 1 unchanged, 1 rolled-back (exit 1)`; and the run id lines. */
import type { HostOutcome } from '../runner/outcome.js';

/** Good news first, the alarming outcomes last, so the eye lands on them. */
const outcomeOrder: readonly HostOutcome[] = [
  'changed',
  'unchanged',
  'skipped',
  'failed',
  'unreachable',
  'rolled-back',
  'rollback-failed',
];

export interface SummaryOptions {
  /** --check: nothing was changed, so a host with pending changes "would change" (Ansible says the same in check mode). */
  checkMode?: boolean;
}

/** The word for an outcome: `changed` is `would change` in check mode, every other outcome reads as is. */
export function outcomeWord(outcome: HostOutcome, options: SummaryOptions = {}): string {
  return options.checkMode === true && outcome === 'changed' ? 'would change' : outcome;
}

export function formatRunSummary(
  summary: Record<HostOutcome, number>,
  exitCode: number,
  options: SummaryOptions = {},
): string {
  const total = outcomeOrder.reduce((sum, outcome) => sum + summary[outcome], 0);
  const parts = outcomeOrder.filter((o) => summary[o] > 0).map((o) => `${summary[o]} ${outcomeWord(o, options)}`);
  return `${total} ${total === 1 ? 'host' : 'hosts'}: ${parts.length > 0 ? parts.join(', ') : 'none'} (exit ${exitCode})`;
}

/**
 * Printed to stderr when a run starts, in every output mode (stdout stays the report alone), so the id a
 * `rollback --run ID` needs is on screen before the first host is touched: `run 20261130T010203Z-3f9a: started, tune.yaml`.
 */
export function formatRunStartLine(runId: string, playbook: string, options: SummaryOptions = {}): string {
  return `run ${runId}: started, ${playbook}${options.checkMode === true ? ' (check mode: nothing is changed)' : ''}`;
}

/**
 * Printed to stderr when a run ends; `undo` (the rollback command) only when the run may have changed hosts.
 * exitCode null: the command ended on an internal error, printed after this line.
 */
export function formatRunEndLine(runId: string, exitCode: number | null, undo?: string): string {
  const end = exitCode === null ? 'ended early' : `finished, exit ${exitCode}`;
  return `run ${runId}: ${end}${undo ? `; undo with: ${undo}` : ''}`;
}
