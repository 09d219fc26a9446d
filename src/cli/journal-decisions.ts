/** What the journal commands (`runs`, `rollback`) decide from the journals the runner read: pure. */
import { InputError } from '../errors.js';
import { compareRuns } from '../runner/newer-runs.js';
import type { HostJournals } from '../runner/read-journals.js';

export { type HostJournals, readJournals } from '../runner/read-journals.js';

/** The newest run any host has a journal for. */
export function newestRunId(journals: HostJournals[]): string | null {
  const all = journals.flatMap((j) => j.entries);
  all.sort(compareRuns);
  return all.at(-1)?.run_id ?? null;
}

/**
 * Throws InputError (exit 2) when no host that answered knows `runId`, listing the run ids that do exist: a typo
 * must not read as "every host skipped", exit 0.
 */
export function checkRunKnown(runId: string, journals: HostJournals[]): void {
  if (journals.some((j) => j.entries.some((e) => e.run_id === runId))) return;
  const ids = [
    ...new Set(
      journals
        .flatMap((j) => j.entries)
        .sort(compareRuns)
        .map((e) => e.run_id),
    ),
  ];
  const known = ids.length > 0 ? `runs found: ${ids.join(', ')}` : 'no runs are recorded on them';
  const unread = journals.filter((j) => j.error).map((j) => j.target.name);
  const note = unread.length > 0 ? ` (journals not read on ${unread.join(', ')})` : '';
  throw new InputError(`no selected host has a journal for run ${runId}; ${known}${note}`);
}
