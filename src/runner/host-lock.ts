/**
 * One controller per host: a `flock` on /run/conntrack-fleet.lock held by a long-lived command on the host's
 * connection. The lock dies with the SSH channel, so a killed controller never leaves a stale lock.
 * A rollout takes it on EVERY selected host before batch 1 (fleet-locks.ts), before reading any host (facts read while
 * another controller tunes it would be stale), and keeps it until the whole run ends: a later batch's host must not
 * be tuned by someone else while this run soaks, and an abort may still roll changed hosts back. A one-batch run
 * takes it at each host's turn, still before reading it, and lets go when that host ended (fleet-release.ts).
 */
import { describeRemoteFailure } from '../remote/remote-error.js';
import type { Connection } from '../transport/connection.js';
import { newRecordToken, parseRecords, recordHeader } from '../remote/records.js';
import { remoteScript } from '../remote/scripts.js';
import { sh } from '../transport/quote.js';

export const lockFile = '/run/conntrack-fleet.lock';
const ownerFile = '/run/conntrack-fleet.owner';
/** A held command that prints nothing this long is treated as a failure to lock. */
const lockTimeoutMs = 30_000;

export type LockResult =
  | { kind: 'locked'; release: () => Promise<void> }
  /** owner: `RUN_ID since START_TIME` of the run holding it. */
  | { kind: 'busy'; owner: string }
  | { kind: 'unsupported'; reason: string };

// beside the result, not in it: a LockResult stays the plain verdict callers compare
const elapsedOf = new WeakMap<LockResult, number>();

/** How long taking this lock took in ms (its held command's first line), for the report's lock_ms. */
export function lockElapsedMs(lock: LockResult | null): number | null {
  return (lock && elapsedOf.get(lock)) ?? null;
}

/** The held script: records (remote/records.ts) with `token`; its first line is the verdict record. */
export function lockScript(runId: string, startedAt: string, token: string): string {
  return `${recordHeader(token)}\n${remoteScript('lock.sh')}\n${sh`cf_lock ${lockFile} ${ownerFile} ${`${runId} since ${startedAt}`}`}\n`;
}

/** What a host held by another run is reported with: `skipped: locked by run RUN_ID since START`. */
export function lockedByMessage(owner: string): string {
  return `locked by run ${owner}`;
}

/**
 * Takes the host's lock on `connection`. `warmSession` (default true): also open the script session now, for a host
 * whose scripts follow at once; false for a host locked up front that waits for a later batch.
 */
export async function acquireHostLock(
  connection: Connection,
  runId: string,
  startedAt: Date,
  warmSession = true,
): Promise<LockResult> {
  const startedMs = performance.now();
  const result = await takeLock(connection, runId, startedAt, warmSession);
  elapsedOf.set(result, Math.round(performance.now() - startedMs));
  return result;
}

async function takeLock(
  connection: Connection,
  runId: string,
  startedAt: Date,
  warmSession: boolean,
): Promise<LockResult> {
  const token = newRecordToken();
  const script = lockScript(runId, startedAt.toISOString(), token);
  const held = await connection.hold(script, { timeoutMs: lockTimeoutMs, warmSession });
  const [record] = parseRecords(held.firstLine, token);
  if (record?.kind === 'locked') return { kind: 'locked', release: () => held.release() };
  await held.release();
  if (record?.kind === 'busy') return { kind: 'busy', owner: record.text };
  if (record?.kind === 'unsupported-open')
    return { kind: 'unsupported', reason: describeRemoteFailure(record.text, { kind: 'file', path: lockFile }) };
  return {
    kind: 'unsupported',
    reason: record?.kind === 'unsupported' ? record.text : `unexpected answer: ${held.firstLine.trim()}`,
  };
}

/** Never throws: a lock whose connection is gone is already released on the host. */
export async function releaseLock(lock: LockResult | null): Promise<void> {
  if (lock?.kind === 'locked') await lock.release().catch(() => undefined);
}
