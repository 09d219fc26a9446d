/** Restores a host from the changes applied to it (in-run failure, aborted batch, or a journal) and verifies it. */
import { errorMessage, type HostErrorKind } from '../errors.js';
import { gatherFacts } from '../facts/gather.js';
import { invertChanges } from '../changes/index.js';
import type { Change } from '../changes/change.js';
import type { Connection, HostTarget } from '../transport/connection.js';
import { applyChanges } from './apply-changes.js';
import type { EventListener } from './events.js';
import { applyLockScript, type JournalEntry, journalWriteScript } from './journal.js';
import { manualFixHints, verifyRestored } from './restore-check.js';

export interface RestoreOptions {
  target: HostTarget;
  emit: EventListener;
  /** The run's connection, if still usable; a lost one is replaced through openConnection. */
  connection: Connection | null;
  openConnection: (target: HostTarget) => Promise<Connection>;
  /** The connection answered a moment ago (rollback's drift read): no liveness probe, one round trip fewer. */
  connectionAnswered?: boolean;
  applied: Change[];
  reason: string;
  /** Updated to rolled-back / rollback-failed when given. */
  journal?: JournalEntry;
}

export interface RestoreResult {
  ok: boolean;
  mismatches: string[];
  hints: string[];
}

/** A restore's verdict as a host's outcome: the one place that words "ROLLBACK FAILED … Fix by hand". */
export interface RestoreVerdict {
  outcome: 'rolled-back' | 'rollback-failed';
  /** Restored: `why.reason` (or null); not restored: what is left and the shell lines to fix it by hand. */
  error: string | null;
  /** Restored: why it was rolled back (`why.kind`); not restored: 'rollback'. */
  errorKind?: HostErrorKind;
  rollbackMismatches: string[];
}

/**
 * `REASON; ROLLBACK FAILED SCOPE: MISMATCH; …. Fix by hand: HINT; …` when the read-back found the host not as
 * before (README "Rollback"); `why.reason` alone when it is. `scope` names what could not be undone, e.g.
 * ` of run R1 after undoing newer run(s) R2`.
 */
export function restoreVerdict(
  restored: RestoreResult,
  why: { reason?: string; kind?: HostErrorKind } = {},
  scope = '',
): RestoreVerdict {
  const rollbackMismatches = restored.mismatches;
  if (restored.ok)
    return {
      outcome: 'rolled-back',
      error: why.reason ?? null,
      ...(why.kind && { errorKind: why.kind }),
      rollbackMismatches,
    };
  const failed = `ROLLBACK FAILED${scope}: ${restored.mismatches.join('; ')}. Fix by hand: ${restored.hints.join('; ')}`;
  const error = why.reason ? `${why.reason}; ${failed}` : failed;
  return { outcome: 'rollback-failed', error, errorKind: 'rollback', rollbackMismatches };
}

async function usableConnection(options: RestoreOptions): Promise<{ connection: Connection; opened: boolean }> {
  if (options.connection && options.connectionAnswered) return { connection: options.connection, opened: false };
  if (options.connection) {
    const probe = await options.connection.runScript('true').catch(() => null);
    if (probe && probe.exitCode === 0) return { connection: options.connection, opened: false };
  }
  return { connection: await options.openConnection(options.target), opened: true };
}

export async function restoreHost(options: RestoreOptions): Promise<RestoreResult> {
  const { target, emit, applied } = options;
  emit({ type: 'rollback-start', host: target.name, reason: options.reason });
  let result: RestoreResult;
  try {
    const { connection, opened } = await usableConnection(options);
    try {
      result = await undoAndVerify(connection, applied, options.journal?.run_id);
      if (options.journal) await writeJournalState(connection, options.journal, result.ok);
    } finally {
      if (opened) await connection.close();
    }
  } catch (error) {
    const mismatches = [`could not reach the host to roll back: ${errorMessage(error)}`];
    result = { ok: false, mismatches, hints: manualFixHints(applied, applied.map(describeTarget)) };
  }
  emit({ type: 'rollback-end', host: target.name, ok: result.ok, mismatches: result.mismatches });
  return result;
}

function describeTarget(change: Change): string {
  return change.kind === 'knob' ? change.key : change.kind === 'file' ? change.path : change.module;
}

async function undoAndVerify(
  connection: Connection,
  applied: Change[],
  runId: string | undefined,
): Promise<RestoreResult> {
  const undo = invertChanges(applied);
  // every inverse is attempted even if one fails: the read-back below is the judge
  // links changed since the run are put back: the before-state names them, and exact means the link too
  // the ticket moves to `RUN undo`: a step script of the run that reaches the host later exits unapplied
  await applyChanges(connection, undo, applyLockScript(runId), { continueOnError: true, restoreLinks: true });
  const files = [...new Set(applied.flatMap((c) => (c.kind === 'file' ? [c.path] : [])))];
  const after = await gatherFacts(connection, { files, rules: false });
  const mismatches = verifyRestored(after, applied);
  return { ok: mismatches.length === 0, mismatches, hints: manualFixHints(applied, mismatches) };
}

async function writeJournalState(connection: Connection, journal: JournalEntry, ok: boolean): Promise<void> {
  const state = ok ? 'rolled-back' : 'rollback-failed';
  await connection
    .runScript(journalWriteScript({ ...journal, state, updated_at: new Date().toISOString() }))
    .catch(() => undefined);
}
