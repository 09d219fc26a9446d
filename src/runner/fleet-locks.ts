/**
 * A rollout's claim on its hosts: before batch 1 every selected host is connected and locked (host-lock.ts), and
 * every lock is held until the run ends. Otherwise a second controller could tune a host of a later batch while this
 * run soaks on its canary gate, and this run would then find that host `unchanged`.
 */
import pLimit from 'p-limit';
import { ConnectError, connectFailureOf, errorMessage } from '../errors.js';
import type { Connection, HostTarget } from '../transport/connection.js';
import type { ConnectionPool } from './connection-pool.js';
import type { EventListener, HostResult } from './events.js';
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
   * else (connection lost and reopened, or the claim failed for another reason) a new one, held to the end too.
   */
  lockFor(connection: Connection): Promise<LockResult>;
  /** Never throws. */
  releaseAll(): Promise<void>;
}

interface Claim {
  connection: Connection;
  lock: LockResult;
}

/** Connects to and locks every host, `forks` at a time; resolves when each host is claimed or known not to be. */
export async function claimHosts(options: ClaimOptions): Promise<FleetLocks> {
  const claims = new Map<string, Claim>();
  const held: LockResult[] = [];
  const unclaimed = new Map<string, HostResult>();
  const give = (target: HostTarget, result: HostResult) => {
    unclaimed.set(target.name, result);
    options.emit({ type: 'host-end', result });
  };
  const limit = pLimit(Math.max(1, options.forks));
  await Promise.all(options.targets.map((target) => limit(() => claimOne(options, target, claims, held, give))));
  return {
    unclaimed,
    async lockFor(connection) {
      const claim = claims.get(connection.target.name);
      if (claim && claim.connection === connection) return claim.lock;
      const lock = await acquireHostLock(connection, options.runId, options.startedAt);
      held.push(lock);
      claims.set(connection.target.name, { connection, lock });
      return lock;
    },
    async releaseAll() {
      await Promise.all(held.splice(0).map((lock) => releaseLock(lock)));
    },
  };
}

async function claimOne(
  options: ClaimOptions,
  target: HostTarget,
  claims: Map<string, Claim>,
  held: LockResult[],
  give: (target: HostTarget, result: HostResult) => void,
): Promise<void> {
  const batch = options.batchOf.get(target.name) ?? 0;
  if (options.isInterrupted())
    return give(
      target,
      hostResult(target.name, batch, 'skipped', { error: 'interrupted before it started', errorKind: 'interrupted' }),
    );
  let connection: Connection;
  try {
    connection = await options.pool.get(target);
  } catch (error) {
    return give(
      target,
      hostResult(target.name, batch, 'unreachable', { error: errorMessage(error), errorKind: connectFailureOf(error) }),
    );
  }
  try {
    const lock = await acquireHostLock(connection, options.runId, options.startedAt);
    held.push(lock);
    if (lock.kind === 'busy')
      return give(
        target,
        hostResult(target.name, batch, 'skipped', { error: lockedByMessage(lock.owner), errorKind: 'lock' }),
      );
    claims.set(target.name, { connection, lock });
  } catch (error) {
    // a dropped connection is the network; any other error (sudo, a hung lock command) is left to the host's
    // own run, which tries the lock again and reports that host `failed` as it always did
    if (error instanceof ConnectError)
      give(
        target,
        hostResult(target.name, batch, 'unreachable', {
          error: errorMessage(error),
          errorKind: connectFailureOf(error),
        }),
      );
  }
}
