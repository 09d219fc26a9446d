/** Reads the on-host journals of every selected host: one round trip each. */
import pLimit from 'p-limit';
import { InputError, errorMessage } from '../errors.js';
import type { ConnectionPool } from '../runner/connection-pool.js';
import { compareRuns } from '../runner/newer-runs.js';
import { journalDir, type JournalEntry, journalListScript, parseJournalList } from '../runner/journal.js';
import { describeRemoteFailure } from '../remote/remote-error.js';
import type { HostTarget } from '../transport/connection.js';

export interface HostJournals {
  target: HostTarget;
  entries: JournalEntry[];
  error: string | null;
}

export async function readJournals(pool: ConnectionPool, targets: HostTarget[], forks: number): Promise<HostJournals[]> {
  const limit = pLimit(forks);
  return Promise.all(
    targets.map((target) =>
      limit(async () => {
        try {
          const result = await (await pool.get(target)).runScript(journalListScript());
          if (result.exitCode !== 0) return { target, entries: [], error: `could not list journals: ${describeRemoteFailure(result.stderr, { kind: 'file', path: journalDir }, result.exitCode)}` };
          return { target, entries: parseJournalList(result.stdout), error: null };
        } catch (error) {
          return { target, entries: [], error: errorMessage(error) };
        }
      }),
    ),
  );
}

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
  const ids = [...new Set(journals.flatMap((j) => j.entries).sort(compareRuns).map((e) => e.run_id))];
  const known = ids.length > 0 ? `runs found: ${ids.join(', ')}` : 'no runs are recorded on them';
  const unread = journals.filter((j) => j.error).map((j) => j.target.name);
  const note = unread.length > 0 ? ` (journals not read on ${unread.join(', ')})` : '';
  throw new InputError(`no selected host has a journal for run ${runId}; ${known}${note}`);
}
