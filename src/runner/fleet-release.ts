/**
 * What the fleet keeps of a host once its run ended, and when it lets the host go. After its end a host is touched
 * again only by the health gate after its batch (which reads its facts snapshot, and rolls it back on failure) and by
 * `on_abort` (which rolls back its applied changes through its journal): README "Rollouts". A run of one batch, and
 * any --check run, has neither (fleet.ts endBatch), so there a host that ended is done: its lock is released and its
 * connection closed at once, and only its result is kept. An open connection with its lock channel and the host's
 * facts, plans and changes would otherwise stay in memory until the last host ends (issue 10: peak RSS at 1000 hosts).
 */
import type { Playbook } from '../playbook/types.js';
import type { HostTarget } from '../transport/connection.js';
import type { ConnectionPool } from './connection-pool.js';
import type { FleetLocks } from './fleet-locks.js';
import type { HostRunRecord } from './host-run-types.js';

export interface RunShape {
  playbook: Pick<Playbook, 'gate' | 'on_abort'>;
  checkOnly: boolean;
  /** Number of batches. */
  batches: number;
}

/** True when nothing this run does after a host's end can reach that host: no gate, no on_abort, no later batch. */
export function doneAtHostEnd(run: RunShape): boolean {
  return run.checkOnly || run.batches <= 1;
}

/**
 * A rollout (several batches) connects to and locks every host before batch 1, so no other controller tunes a
 * later batch's host while it soaks (fleet-locks.ts). A one-batch run has no later batch: each host is connected and
 * locked when its turn comes, still before it is read, so only about `forks` connections are open at once.
 */
export function claimsUpFront(run: RunShape): boolean {
  return !doneAtHostEnd(run);
}

/**
 * The record the fleet keeps when a host of `batch` (0-based) ended: the snapshot only when a gate follows this batch
 * (its `before`), the applied changes and journal only when that gate or `on_abort` may still roll the host back.
 */
export function keptAtHostEnd(record: HostRunRecord, batch: number, run: RunShape): HostRunRecord {
  if (doneAtHostEnd(run)) return resultOnly(record);
  const gateFollows = run.playbook.gate !== undefined && batch < run.batches - 1;
  const mayRollBack = gateFollows || run.playbook.on_abort !== 'keep';
  return {
    result: record.result,
    applied: mayRollBack ? record.applied : [],
    snapshot: gateFollows ? record.snapshot : null,
    journal: mayRollBack ? record.journal : null,
  };
}

/**
 * Once its batch ended (gate and on_abort done), a record is read again only by `on_abort: rollback-all` of a later
 * batch, which needs its applied changes and journal, never its snapshot. Changes the records in place (they are
 * the fleet's `done` list).
 */
export function forgetAfterBatch(records: HostRunRecord[], run: RunShape): void {
  for (const record of records) {
    record.snapshot = null;
    if (run.playbook.on_abort !== 'rollback-all') {
      record.applied = [];
      record.journal = null;
    }
  }
}

function resultOnly(record: HostRunRecord): HostRunRecord {
  return { result: record.result, applied: [], snapshot: null, journal: null };
}

export interface HostRelease {
  /** Releases the host's lock, then closes its connection; in the background, never rejects. */
  release(target: HostTarget): void;
  /** Resolves when every release started so far has ended. */
  settled(): Promise<void>;
}

/** Releases hosts the run is done with (doneAtHostEnd); the fleet awaits `settled()` before its end. */
export function createHostRelease(locks: FleetLocks | null, pool: ConnectionPool): HostRelease {
  const pending = new Set<Promise<void>>();
  return {
    release(target) {
      // as at the run's end: the lock's command is ended first, then the connection it ran on is closed
      const done: Promise<void> = (locks ? locks.release(target.name) : Promise.resolve())
        .then(() => pool.release(target))
        .catch(() => undefined)
        .finally(() => pending.delete(done));
      pending.add(done);
    },
    async settled() {
      await Promise.all([...pending]);
    },
  };
}
