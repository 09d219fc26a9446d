/** Reads the on-host journals of every selected host: one round trip each. */
import pLimit from 'p-limit';
import { errorMessage } from '../errors.js';
import type { ConnectionPool } from '../runner/connection-pool.js';
import { journalDir, type JournalEntry, journalListScript, parseJournalList } from '../runner/journal.js';
import { describeRemoteFailure } from '../steps/index.js';
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
  all.sort((a, b) => a.started_at.localeCompare(b.started_at) || a.run_id.localeCompare(b.run_id));
  return all.at(-1)?.run_id ?? null;
}
