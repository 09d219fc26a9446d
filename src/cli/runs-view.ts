/** Renders `conntrack-fleet runs`. Pure. */
import type { HostJournals } from './journals.js';

export function renderRuns(journals: HostJournals[], json: boolean): string {
  if (json) {
    const rows = journals.map((j) => ({
      host: j.target.name,
      error: j.error,
      runs: j.entries.map((e) => ({ run_id: e.run_id, state: e.state, started_at: e.started_at, playbook: e.playbook, changes: e.changes.length })),
    }));
    return `${JSON.stringify(rows, null, 2)}\n`;
  }
  const lines: string[] = [];
  for (const j of journals) {
    if (j.error) lines.push(`${j.target.name}: unreachable: ${j.error}`);
    else if (j.entries.length === 0) lines.push(`${j.target.name}: no runs recorded`);
    for (const e of j.entries) lines.push(`${j.target.name}: ${e.run_id}  ${e.state.padEnd(15)} ${e.started_at}  ${e.playbook}  ${e.changes.length} changes`);
  }
  return `${lines.join('\n')}\n`;
}
