/**
 * The on-host journal: before its first change a host records every planned change (each holds
 * its before-state), so `rollback` can restore it even if this controller dies mid-run.
 * Written by the same script as the step it precedes, so it costs no extra round trip.
 */
import type { Change } from '../changes/change.js';
import { writeFileFunctions } from '../changes/write-file-sh.js';
import { splitGatherOutput } from '../facts/gather-frame.js';
import { journalDir } from '../remote/state-dir.js';
import { quoteShell } from '../transport/quote.js';

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

/**
 * sh that writes the journal through the one write path every file takes (write-file-sh.ts: temp beside the
 * target, fsync, rename; mode 0600, directory 0700), then prunes journals beyond the newest `journalsKept`.
 */
export function journalWriteScript(entry: JournalEntry): string {
  const path = journalPath(entry.run_id);
  const body = Buffer.from(`${JSON.stringify(entry, null, 1)}\n`).toString('base64');
  const dir = quoteShell(journalDir);
  return [
    writeFileFunctions,
    `if ( umask 077 && mkdir -p ${dir} ) && ctf_write_file ${quoteShell(path)} ${quoteShell(body)} 600 - - ''; then`,
    `  ls -1t ${dir}/*.json 2>/dev/null | tail -n +${journalsKept + 1} | while read -r old; do rm -f "$old"; done`,
    `else echo "cf-journal-failed: \${ctf_err:-}" >&2; exit 97; fi`,
  ].join('\n');
}

export const journalFailedExitCode = 97;

export const applyLockFile = '/run/conntrack-fleet.apply.lock';
const applyLockWaitSeconds = 60;

/**
 * sh run first by every script that changes the host (apply and undo): it holds an flock for the rest of
 * the script. A script left running by a controller that died still holds it, so a `rollback` started
 * right after waits for it to end instead of being overwritten by it. Skipped where flock or /run is missing.
 */
export function applyLockScript(): string {
  const file = quoteShell(applyLockFile);
  return [
    `if command -v flock >/dev/null 2>&1 && ( : >> ${file} ) 2>/dev/null; then`,
    `  exec 8>>${file}`,
    `  flock -w ${applyLockWaitSeconds} 8 || { echo "cf-journal-failed: another change script still runs after ${applyLockWaitSeconds}s" >&2; exit ${journalFailedExitCode}; }`,
    'fi',
  ].join('\n');
}

/**
 * sh that prints every journal on the host, for `runs` and `rollback`, in the gather's section format (one payload
 * format for every listing: `@@begin journal PATH`, `|BASE64`, `@@end`; facts/gather-frame.ts parses it).
 */
export function journalListScript(): string {
  return [
    `for f in ${quoteShell(journalDir)}/*.json; do`,
    `  [ -f "$f" ] || continue`,
    `  printf '@@begin journal %s\\n|' "$f"; base64 < "$f" | tr -d '\\n'; printf '\\n@@end\\n'`,
    `done`,
  ].join('\n');
}

export function parseJournalList(stdout: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const section of splitGatherOutput(stdout).sections) {
    if (section.name !== 'journal') continue;
    try {
      const entry = JSON.parse(Buffer.from(section.lines.join(''), 'base64').toString('utf8')) as JournalEntry;
      if (entry.version === 1 && typeof entry.run_id === 'string') entries.push(entry);
    } catch {
      // a journal cut short by a crash is skipped, never fatal
    }
  }
  return entries.sort((a, b) => a.started_at.localeCompare(b.started_at));
}
