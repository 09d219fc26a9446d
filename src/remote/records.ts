/**
 * The one record format of every remote script inside a session frame (transport/frame.ts): lines
 * `@@cf TOKEN KIND TEXT`, printed by cf_rec (src/remote/records.sh). TOKEN is random per script (recordHeader), so a
 * command's output can never pass for a record. Kinds in use:
 *   apply (changes/apply-script.ts): `applied I`, `failed I CODE TEXT`, `read I TARGET STATE REST`, `end ok|failed`
 *   journal and apply lock (runner/journal.ts): `journal-failed TEXT`, `stale CURRENT` (a late script, refused)
 *   host lock (runner/host-lock.ts): `locked`, `busy OWNER`, `unsupported REASON`, `unsupported-open ERRNO TEXT`
 */
import { randomBytes } from 'node:crypto';
import { remoteScript } from './scripts.js';

export const recordPrefix = '@@cf';

export interface RemoteRecord {
  kind: string;
  /** Everything after the kind, without the separating space ('' when none). */
  text: string;
}

/** A fresh record token: 16 hex digits, safe unquoted in sh. */
export function newRecordToken(): string {
  return randomBytes(8).toString('hex');
}

/** The start of every script that prints records: its token and cf_rec. */
export function recordHeader(token: string): string {
  if (!/^[0-9a-f]{16}$/.test(token)) throw new Error(`not a record token: ${token}`);
  return `cf_tok=${token}\n${remoteScript('records.sh')}`;
}

/** Every record of `token` in `output`, in order; other lines (and other tokens' records) are ignored. */
export function parseRecords(output: string, token: string): RemoteRecord[] {
  const start = `${recordPrefix} ${token} `;
  const records: RemoteRecord[] = [];
  for (const raw of output.split('\n')) {
    if (!raw.startsWith(start)) continue;
    // a carriage return from a command's message is text, never a line end
    const line = raw.slice(start.length).replace(/\r$/, '').replaceAll('\r', ' ');
    const space = line.indexOf(' ');
    const kind = space < 0 ? line : line.slice(0, space);
    if (kind) records.push({ kind, text: space < 0 ? '' : line.slice(space + 1).trimEnd() });
  }
  return records;
}

/** The first `count` space-separated fields of a record's text, then the rest (which may hold spaces). */
export function splitFields(text: string, count: number): { fields: string[]; rest: string } {
  const fields: string[] = [];
  let rest = text;
  for (let i = 0; i < count; i += 1) {
    const space = rest.indexOf(' ');
    fields.push(space < 0 ? rest : rest.slice(0, space));
    rest = space < 0 ? '' : rest.slice(space + 1);
  }
  return { fields, rest };
}
