/**
 * The one record format of every remote script inside a session frame (transport/frame.ts): lines
 * `@@cf TOKEN KIND TEXT`, printed by cf_rec (src/remote/records.sh). TOKEN is random per script (recordHeader), so a
 * command's output can never pass for a record. Kinds in use:
 *   apply (changes/apply-script.ts): `applied I`, `failed I CODE TEXT`, `read I TARGET STATE REST`, `end ok|failed`
 *   journal and apply lock (runner/journal.ts): `journal-failed TEXT`, `stale CURRENT` (a late script, refused)
 *   host lock (runner/host-lock.ts): `locked`, `busy OWNER`, `unsupported REASON`, `unsupported-open ERRNO TEXT`
 *   gather (facts/gather-frame.ts, readRecordStream): `section NAME`, `value NAME VALUE`, `problem TEXT`,
 *     `begin NAME [ARG]` … `end` around raw content, `rc N` and `stderr` inside a block, `done` last
 *   journal listing (runner/journal.ts): `journal BASE64` per journal file
 *   watch sample (facts/sample-script.ts): `begin knobs|stats` … `end`, `value NAME VALUE` (peak), `sampled` last
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
    const record = recordAfterToken(raw.slice(start.length));
    if (record) records.push(record);
  }
  return records;
}

/** `KIND TEXT` (what follows `@@cf TOKEN `) as a record; null when the kind is empty. */
function recordAfterToken(rest: string): RemoteRecord | null {
  // a carriage return from a command's message is text, never a line end
  const line = rest.replace(/\r$/, '').replaceAll('\r', ' ');
  const space = line.indexOf(' ');
  const kind = space < 0 ? line : line.slice(0, space);
  return kind ? { kind, text: space < 0 ? '' : line.slice(space + 1).trimEnd() } : null;
}

/** One piece of an output that carries raw content between its records (the gather's blocks, src/remote/gather.sh). */
export type StreamItem =
  | { record: RemoteRecord }
  /** A line of content, byte for byte; `newline` false for a last line that had none (a record follows, or the end). */
  | { content: string; newline: boolean };

/**
 * `output` as `token`'s records and the content lines around them, in order. A record starts wherever `@@cf TOKEN `
 * does, even inside a line: after content whose last line had no newline (a file, a command's output), that piece
 * comes with newline false. TOKEN is random per script, so content can never hold it: nothing the host prints passes
 * for a record or ends a block early, and no content needs a prefix (nor a process to add one).
 */
export function readRecordStream(output: string, token: string): StreamItem[] {
  const start = `${recordPrefix} ${token} `;
  const items: StreamItem[] = [];
  const lines = output.split('\n');
  lines.forEach((line, index) => {
    const last = index === lines.length - 1;
    const at = line.indexOf(start);
    if (at < 0) {
      if (!last || line !== '') items.push({ content: line, newline: !last });
      return;
    }
    if (at > 0) items.push({ content: line.slice(0, at), newline: false });
    const record = recordAfterToken(line.slice(at + start.length));
    if (record) items.push({ record });
  });
  return items;
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
