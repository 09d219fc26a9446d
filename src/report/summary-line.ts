/** The one line every run format ends with: `5 hosts: 3 changed, 1 unchanged, 1 rolled-back (exit 1)`. */
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

export function formatRunSummary(summary: Record<HostOutcome, number>, exitCode: number): string {
  const total = outcomeOrder.reduce((sum, outcome) => sum + summary[outcome], 0);
  const parts = outcomeOrder.filter((o) => summary[o] > 0).map((o) => `${summary[o]} ${o}`);
  return `${total} ${total === 1 ? 'host' : 'hosts'}: ${parts.length > 0 ? parts.join(', ') : 'none'} (exit ${exitCode})`;
}
