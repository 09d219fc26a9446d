/**
 * The on-host journal: before its first change a host records every planned change (each holds
 * its before-state), so `rollback` can restore it even if this controller dies mid-run.
 * Written by the same script as the step it precedes, so it costs no extra round trip.
 */
import type { Change } from '../changes/change.js';
import { writeFileFunctions } from '../changes/write-file-sh.js';
import { newRecordToken, parseRecords, recordHeader } from '../remote/records.js';
import { remoteScript } from '../remote/scripts.js';
import { journalDir } from '../remote/state-dir.js';
import { quoteShell, sh } from '../transport/quote.js';

export { journalDir };
/** Journals of finished runs kept per host, so a change can be undone later on purpose. */
export const journalsKept = 20;

export type JournalState = 'applying' | 'done' | 'rolled-back' | 'rollback-failed';

export interface JournalEntry {
  version: 1;
  run_id: string;
  playbook: string;
  host: string;
  started_at: string;
  updated_at: string;
  state: JournalState;
  /** Every planned change, in apply order. */
  changes: Change[];
  /** Changes [0, applied_count) may have been applied; undo covers them all (undoing an unapplied change is a no-op). */
  applied_count: number;
}

export function journalPath(runId: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(runId)) throw new Error(`invalid run id: ${runId}`);
  return `${journalDir}/${runId}.json`;
}

export const applyLockFile = '/run/conntrack-fleet.apply.lock';
/** `RUN STEP` of the last change script that took the apply lock (src/remote/journal.sh cf_ticket). */
export const stepTicketFile = '/run/conntrack-fleet.step';
const applyLockWaitSeconds = 60;

export const journalFailedExitCode = 97;
/** A change script whose step is no longer current (a late script): it exited without writing. */
export const staleStepExitCode = 98;

/**
 * Which change script of a run this is: `step` counts the run's change scripts from 1 (a step script may run only
 * right after step - 1 of the same run); 'undo' is a rollback, which always may run and makes every earlier step
 * script of the run stale.
 */
export interface StepTicket {
  runId: string;
  step: number | 'undo';
}

/** `cf_journal …`: the call that writes ENTRY (journal.sh; needs the write path and records). */
function journalCall(entry: JournalEntry): string {
  const json = `${JSON.stringify(entry, null, 1)}\n`;
  return sh`cf_journal ${journalPath(entry.run_id)} ${journalDir} ${journalsKept} ${json}`;
}

/**
 * sh run first by every script that changes the host (apply and undo), after its functions: the apply lock (an
 * flock held for the rest of the script: a script left running by a controller that died is waited for, never
 * raced; skipped where flock or /run is missing), then the step ticket checked and moved under that lock (a late
 * script exits, record `stale`, nothing written), then, for a step, the journal with every planned change, so it
 * is on disk before the first change. Refusals: records `journal-failed` (exit 97) and `stale` (exit 98).
 */
export function changePrelude(ticket: StepTicket | null, entry: JournalEntry | null): string {
  return [
    remoteScript('journal.sh'),
    sh`cf_apply_lock ${applyLockFile} ${applyLockWaitSeconds}`,
    ticket ? sh`cf_ticket ${stepTicketFile} ${ticket.runId} ${ticket.step}` : '',
    entry ? journalCall(entry) : '',
  ].join('\n');
}

/** The prelude of an undo script (restore.ts): the apply lock, and the run's ticket moved to `undo` ('-' when unknown). */
export function applyLockScript(runId?: string): string {
  return changePrelude({ runId: runId ?? '-', step: 'undo' }, null);
}

/**
 * A whole script that writes the journal (marking it done, rolled-back…) through the one write path (temp beside
 * the target, fsync, rename; mode 0600, directory 0700). On failure: exit 97, the reason on stderr.
 */
export function journalWriteScript(entry: JournalEntry): string {
  // ctf_sync: the journal directory's fsync, owed since the rename (write-file.sh)
  return [
    recordHeader(newRecordToken()),
    writeFileFunctions,
    remoteScript('journal.sh'),
    journalCall(entry),
    'ctf_sync',
    '',
  ].join('\n');
}

/**
 * sh that prints every journal on the host, for `runs` and `rollback`: one record `journal BASE64` per file, in the
 * one record format of every remote script (remote/records.ts; parse with parseJournalList and the same token).
 */
export function journalListScript(token: string): string {
  return [
    recordHeader(token),
    `for f in ${quoteShell(journalDir)}/*.json; do`,
    `  [ -f "$f" ] || continue`,
    `  printf '@@cf %s journal ' "$cf_tok"; base64 < "$f" | tr -d '\\n'; printf '\\n'`,
    `done`,
  ].join('\n');
}

/** The journals a journalListScript(token) printed, oldest first; a journal cut short or not JSON is skipped. */
export function parseJournalList(stdout: string, token: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const record of parseRecords(stdout, token)) {
    if (record.kind !== 'journal') continue;
    try {
      const entry = JSON.parse(Buffer.from(record.text, 'base64').toString('utf8')) as JournalEntry;
      if (entry.version === 1 && typeof entry.run_id === 'string') entries.push(entry);
    } catch {
      // a journal cut short by a crash is skipped, never fatal
    }
  }
  return entries.sort((a, b) => a.started_at.localeCompare(b.started_at));
}
