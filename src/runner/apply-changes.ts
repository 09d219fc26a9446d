/** Applies changes on a host in ONE round trip and judges the read-back. */
import { errorKindOf, errorMessage, type HostErrorKind } from '../errors.js';
import { buildApplyScript, isApplyComplete, parseApplyOutput } from '../changes/index.js';
import { describeRemoteFailure, stripShellNoise } from '../remote/remote-error.js';
import { newRecordToken, parseRecords } from '../remote/records.js';
import type { Change } from '../changes/change.js';
import type { Connection } from '../transport/connection.js';
import { journalDir } from './journal.js';

export interface ApplyOutcome {
  ok: boolean;
  /** Changes that may have taken effect (applied, failed midway, or unknown after a lost connection). */
  attempted: Change[];
  error: string | null;
  /**
   * Why it failed, as data (null when ok): the failed change's kind (apply-output.ts ChangeFailureKind), `timeout`
   * when the script was killed at timeoutMs, `connection-lost`, or `apply` (journal refused, script cut short).
   */
  errorKind: HostErrorKind | null;
}

export interface ApplyChangesOptions {
  /** Attempt every change even after one failed (undo). */
  continueOnError?: boolean;
  /** Undo: put back symlinks that changed since (see buildApplyScript). */
  restoreLinks?: boolean;
  timeoutMs?: number;
}

const defaultApplyTimeoutMs = 120_000;

/** What a prelude refused with (journal.ts changePrelude), as the step's error; null when it let the changes run. */
function preludeRefusal(stdout: string, token: string): string | null {
  for (const record of parseRecords(stdout, token)) {
    if (record.kind === 'journal-failed') {
      return `could not write the journal, nothing changed: ${describeRemoteFailure(record.text, { kind: 'file', path: journalDir })}`;
    }
    if (record.kind === 'stale') {
      return `not applied: this step is no longer current on the host (its last change script: ${record.text}); nothing changed`;
    }
  }
  return null;
}

/** `prelude` runs first in the same script (journal.ts changePrelude); if it refuses nothing is applied. */
export async function applyChanges(
  connection: Connection,
  changes: Change[],
  prelude: string,
  options: ApplyChangesOptions = {},
): Promise<ApplyOutcome> {
  if (changes.length === 0) return { ok: true, attempted: [], error: null, errorKind: null };
  const token = newRecordToken();
  const script = buildApplyScript(changes, {
    token,
    prelude,
    continueOnError: options.continueOnError,
    restoreLinks: options.restoreLinks,
  });
  let result;
  try {
    result = await connection.runScript(script, { timeoutMs: options.timeoutMs ?? defaultApplyTimeoutMs });
  } catch (error) {
    // the script may have run partly: every change counts as attempted, undo is harmless where it did not
    const lostError = `connection lost while applying: ${errorMessage(error)}`;
    return { ok: false, attempted: changes, error: lostError, errorKind: errorKindOf(error, 'remote-command') };
  }
  const refused = preludeRefusal(result.stdout, token);
  if (refused) return { ok: false, attempted: [], error: refused, errorKind: 'apply' };
  const outcomes = parseApplyOutput(result.stdout, changes, token);
  const complete = isApplyComplete(result.stdout, token);
  const attempted = complete ? outcomes.filter((o) => o.status !== 'not-run').map((o) => o.change) : changes;
  // a change applied just before the script was cut off has no read-back: the cut-off is the failure, not a mismatch
  const bad = outcomes.find(
    (o) => o.status === 'failed' || (o.status === 'applied' && !o.matches && (complete || o.readBack !== null)),
  );
  if (bad) {
    const detail = bad.status === 'failed' ? (bad.error ?? 'failed') : bad.mismatches.join('; ');
    return { ok: false, attempted, error: detail, errorKind: bad.failureKind ?? 'apply' };
  }
  if (!complete) {
    const why =
      result.exitCode === null ? 'cut off (timeout or lost connection)' : `ended early with status ${result.exitCode}`;
    const error = `apply script ${why}: ${stripShellNoise(result.stderr)}`;
    return { ok: false, attempted, error, errorKind: result.timedOut ? 'timeout' : 'apply' };
  }
  return { ok: true, attempted, error: null, errorKind: null };
}
