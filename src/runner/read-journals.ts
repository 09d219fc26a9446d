/** Journal listing (`runs`, `rollback`): every selected host's on-host journals, one round trip each. */
import { HostFailure, type HostErrorKind } from '../errors.js';
import { describeRemoteFailure } from '../remote/remote-error.js';
import type { HostTarget } from '../transport/connection.js';
import type { ConnectionPool } from './connection-pool.js';
import { forEachHost } from './for-each-host.js';
import { newRecordToken } from '../remote/records.js';
import { journalDir, type JournalEntry, journalListScript, parseJournalList } from './journal.js';

export interface HostJournals {
  target: HostTarget;
  /** Oldest first (parseJournalList); [] when none, or when they could not be read. */
  entries: JournalEntry[];
  /** Why the journals could not be read (connection, sudo, the listing script), else null. */
  error: string | null;
  /** With `error`: its kind (a connect failure, or 'journal' when the listing itself failed). */
  errorKind?: HostErrorKind;
}

/**
 * Lists the journals of every target, `forks` hosts at a time, on the pool's connection (kept open for the
 * rollback that may follow). Never throws: a host that cannot be read has `error` set. Every host is read even
 * after an interrupt: the listing changes nothing, and a rollback needs all of it to judge the run id.
 */
export async function readJournals(
  pool: ConnectionPool,
  targets: HostTarget[],
  forks: number,
): Promise<HostJournals[]> {
  const listed = await forEachHost(
    targets,
    forks,
    () => false,
    async (target) => {
      const token = newRecordToken();
      const result = await (await pool.get(target)).runScript(journalListScript(token));
      if (result.exitCode !== 0) {
        const why = describeRemoteFailure(result.stderr, { kind: 'file', path: journalDir }, result.exitCode);
        throw new HostFailure('journal', `could not list journals: ${why}`);
      }
      return parseJournalList(result.stdout, token);
    },
  );
  return listed.map((host) =>
    host.ok
      ? { target: host.target, entries: host.value, error: null }
      : { target: host.target, entries: [], error: host.error, errorKind: host.errorKind },
  );
}
