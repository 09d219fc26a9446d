/**
 * A rollout's claim on its hosts: before batch 1 every selected host is connected and locked (host-lock.ts), and
 * every lock is held until this run can no longer change or roll back its host (fleet-release.ts: the end of the
 * run, or the host's own end in a one-batch run). Otherwise a second controller could tune a host of a later batch
 * while this run soaks on its canary gate, and this run would then find that host `unchanged`.
 */
import { ConnectError } from '../errors.js';
import type { Connection, HostTarget } from '../transport/connection.js';
import type { ConnectionPool } from './connection-pool.js';
import type { EventListener, HostResult } from './events.js';
import { forEachHost, type HostDone } from './for-each-host.js';
import { acquireHostLock, lockedByMessage, type LockResult, releaseLock } from './host-lock.js';
import { hostResult } from './step-results.js';

export interface ClaimOptions {
  targets: HostTarget[];
  /** 0-based batch index per host name, for the results of hosts that cannot be claimed. */
  batchOf: ReadonlyMap<string, number>;
  /** Hosts claimed at once; the pool's connect also honours --max-handshakes. */
  forks: number;
  pool: ConnectionPool;
  runId: string;
  startedAt: Date;
  emit: EventListener;
  isInterrupted: () => boolean;
}

export interface FleetLocks {
  /** Hosts this run will not work on, with their result (already emitted): unreachable, or skipped (locked, interrupted). */
  unclaimed: ReadonlyMap<string, HostResult>;
  /**
   * The lock for a host on the connection its run uses: the one taken up front while that connection lives,
   * else (connection lost and reopened, or the claim failed for another reason) a new one, held as long as that one.
   */
  lockFor(connection: Connection): Promise<LockResult>;
  /** Releases every lock this run took on the host and forgets its claim: the run is done with it. Never throws. */
  release(host: string): Promise<void>;
  /** Never throws. */
  releaseAll(): Promise<void>;
}

interface Claim {
  connection: Connection;
  lock: LockResult;
}

// beside the result, as host-lock.ts's elapsed time: a LockResult stays the plain verdict callers compare
const retaken = new WeakSet<LockResult>();

/**
 * True for a lock taken again on a new connection because the one taken up front was lost while the host waited for
 * its batch: between the loss and the new lock another controller could have worked on the host (the host's facts
 * are read after the new lock, so nothing is planned on a stale state, but the operator should know).
 */
export function retakenAfterLoss(lock: LockResult | null): boolean {
  return lock !== null && retaken.has(lock);
}

/**
 * What claiming one host came to. A failed connect, or a connection dropped while locking, is thrown (forEachHost
 * makes it data: unreachable, with the ConnectError's kind).
 */
type ClaimEnd = { kind: 'claimed' } | { kind: 'busy'; owner: string } | { kind: 'deferred' };

/**
 * Connects to and locks every host through forEachHost, `forks` at a time; resolves when each host is claimed or
 * known not to be. A host that cannot be claimed is reported (host-end) as soon as that is known.
 */
export async function claimHosts(options: ClaimOptions): Promise<FleetLocks> {
  const claims = new Map<string, Claim>();
  // per host: a lock taken up front, and one per reopened connection
  const held = new Map<string, LockResult[]>();
  const hold = (host: string, lock: LockResult) => held.set(host, [...(held.get(host) ?? []), lock]);
  const unclaimed = new Map<string, HostResult>();
  const claim = async (target: HostTarget): Promise<ClaimEnd> => {
    const connection = await options.pool.get(target);
    try {
      // only batch 1 starts at once: a later batch's host would keep an idle session until its turn
      const firstBatch = (options.batchOf.get(target.name) ?? 0) === 0;
      const lock = await acquireHostLock(connection, options.runId, options.startedAt, firstBatch);
      hold(target.name, lock);
      // another run's host: this run never works on it, so its connection goes at once
      if (lock.kind === 'busy') {
        await options.pool.release(target);
        return { kind: 'busy', owner: lock.owner };
      }
      claims.set(target.name, { connection, lock });
      return { kind: 'claimed' };
    } catch (error) {
      // a dropped connection is the network; any other error (sudo, a hung lock command) is left to the host's
      // own run, which tries the lock again and reports that host `failed` as it always did
      if (error instanceof ConnectError) throw error;
      return { kind: 'deferred' };
    }
  };
  await forEachHost(options.targets, options.forks, options.isInterrupted, claim, (done) => {
    const result = unclaimedResult(done, options.batchOf.get(done.target.name) ?? 0);
    if (!result) return;
    unclaimed.set(done.target.name, result);
    options.emit({ type: 'host-end', result });
  });
  return {
    unclaimed,
    async lockFor(connection) {
      const claim = claims.get(connection.target.name);
      if (claim && claim.connection === connection) return claim.lock;
      const lock = await acquireHostLock(connection, options.runId, options.startedAt);
      if (claim) retaken.add(lock);
      hold(connection.target.name, lock);
      claims.set(connection.target.name, { connection, lock });
      return lock;
    },
    async release(host) {
      const locks = held.get(host) ?? [];
      held.delete(host);
      claims.delete(host);
      await Promise.all(locks.map((lock) => releaseLock(lock)));
    },
    async releaseAll() {
      const locks = [...held.values()].flat();
      held.clear();
      claims.clear();
      await Promise.all(locks.map((lock) => releaseLock(lock)));
    },
  };
}

/** The result of a host this run will not work on: not started, unreachable, locked by another run; else null. */
function unclaimedResult(done: HostDone<ClaimEnd>, batch: number): HostResult | null {
  const name = done.target.name;
  if (!done.ok) {
    if (!done.started) return hostResult(name, batch, 'skipped', { error: done.error, errorKind: 'interrupted' });
    return hostResult(name, batch, 'unreachable', { error: done.error, errorKind: done.errorKind });
  }
  const end = done.value;
  return end.kind === 'busy'
    ? hostResult(name, batch, 'skipped', { error: lockedByMessage(end.owner), errorKind: 'lock' })
    : null;
}
