/**
 * The peak: the highest nf_conntrack_count `check` and `watch` have seen on a host, kept in ONE small file beside the
 * run journals (`/var/lib/conntrack-fleet/journal/peak`, one line `COUNT EPOCH_SECONDS SOURCE`), so `advise` can size
 * for the busiest moment seen rather than for the count of the moment it runs (docs/sizing.md, "demand").
 * Shell (src/remote/peak.sh) and parser side by side: the fragment prints `peak_read`, `peak_stored` and `peak_write`
 * values as records `value NAME VALUE` (remote/records.ts), in the gather and in the watch sample alike.
 */
import { remoteScript } from '../remote/scripts.js';
import { journalDir } from '../remote/state-dir.js';
import { quoteShell } from '../transport/quote.js';
import { knobPaths } from './types.js';

export const peakFile = `${journalDir}/peak`;

export type PeakSource = 'check' | 'watch';

/** One kept peak: the count, when it was seen (epoch seconds, the controller's clock), and which command saw it. */
export interface PeakRecord {
  count: number;
  atSeconds: number;
  source: string;
}

/**
 * What this request did with the peak file: `wrote` a new peak, `not-higher` (kept as it was), `off` (read only:
 * `--no-peak`, `advise`), `no-count` (nf_conntrack_count unreadable), `not-writable` (the journal directory is not
 * writable: not root and no become), `failed` (the write failed; `error` says why).
 */
export type PeakWrite = 'wrote' | 'not-higher' | 'off' | 'no-count' | 'not-writable' | 'failed';

export interface PeakFact {
  /** The peak the host held before this request; null = none, unreadable or not a peak line (`read` says which). */
  stored: PeakRecord | null;
  read: 'ok' | 'none' | 'unreadable' | 'invalid';
  write: PeakWrite;
  /** The peak the host holds after this request (the new one when written). */
  kept: PeakRecord | null;
  /** The first line of the failure when `write` is `failed`. */
  error?: string;
}

export interface PeakRequest {
  /** `read`: only report the file; `keep`: also raise it to the count now when that is higher. */
  mode: 'read' | 'keep';
  source: PeakSource;
  /** The time to record with a new peak: now, epoch seconds (the controller's clock, so every peak has one clock). */
  atSeconds: number;
  /** A higher count the controller saw earlier (watch, between writes), kept when above both the file and the count now. */
  seen?: { count: number; atSeconds: number };
}

/** Paths the fragment uses; tests point them into a temp directory. */
export interface PeakPaths {
  file: string;
  countFile: string;
}

export const defaultPeakPaths: PeakPaths = { file: peakFile, countFile: knobPaths.count };

/**
 * The shell functions (cf_peak …); the caller defines cf_pk_out NAME VALUE. Comment lines are left out: they would
 * travel with every check and every watch sample that carries the fragment (no line of peak.sh's code starts with #).
 */
export function peakFunctions(): string {
  return remoteScript('peak.sh')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
}

/** One `cf_peak` call for the request, every value quoted. Throws only on a programming error (a relative path). */
export function peakCall(request: PeakRequest, paths: PeakPaths = defaultPeakPaths): string {
  if (!paths.file.startsWith('/') || paths.file.endsWith('/'))
    throw new Error(`peak: not an absolute file path: ${paths.file}`);
  const args: (string | number)[] = [
    paths.file,
    request.mode,
    paths.countFile,
    Math.floor(request.atSeconds),
    request.source,
  ];
  if (request.seen) args.push(request.seen.count, Math.floor(request.seen.atSeconds));
  return ['cf_peak', ...args.map(quoteShell)].join(' ');
}

const recordPattern = /^(\d{1,15}) (\d{1,12}) ([A-Za-z0-9._:-]{1,64})$/;

/** A peak line `COUNT EPOCH_SECONDS SOURCE`; null when it is anything else (a hand-edited or foreign file). */
export function parsePeakRecord(line: string): PeakRecord | null {
  const match = recordPattern.exec(line.trim());
  if (!match?.[1] || !match[2] || !match[3]) return null;
  return { count: Number(match[1]), atSeconds: Number(match[2]), source: match[3] };
}

function readWrite(text: string | undefined): { write: PeakWrite; wrote: PeakRecord | null; error?: string } {
  if (text === undefined) return { write: 'off', wrote: null };
  const [status = '', ...rest] = text.split(' ');
  if (status === 'wrote') {
    const wrote = parsePeakRecord(rest.join(' '));
    return wrote ? { write: 'wrote', wrote } : { write: 'failed', wrote: null, error: `unexpected answer: ${text}` };
  }
  if (status === 'failed') return { write: 'failed', wrote: null, error: rest.join(' ') || 'no message' };
  if (status === 'not-higher' || status === 'no-count' || status === 'not-writable')
    return { write: status, wrote: null };
  return { write: 'failed', wrote: null, error: `unexpected answer: ${text}` };
}

/**
 * The fragment's values (looked up by name) as a PeakFact; null when the fragment did not run (no `peak_read` nor
 * `peak_stored`). Pure; never throws.
 */
export function readPeakValues(valueOf: (name: string) => string | undefined): PeakFact | null {
  const storedText = valueOf('peak_stored');
  const readText = valueOf('peak_read');
  if (storedText === undefined && readText === undefined) return null;
  const stored = storedText === undefined ? null : parsePeakRecord(storedText);
  const read = storedText !== undefined ? (stored ? 'ok' : 'invalid') : readText === 'none' ? 'none' : 'unreadable';
  const { write, wrote, error } = readWrite(valueOf('peak_write'));
  return { stored, read, write, kept: wrote ?? stored, ...(error !== undefined && { error }) };
}

/**
 * The gather's peak section (check keeps, advise reads), self-contained so it can sit anywhere in cf_main: the
 * functions, the output adapter (gather values) and the call.
 */
export function peakGatherSh(request: PeakRequest, paths: PeakPaths = defaultPeakPaths): string {
  return `${peakFunctions()}\ncf_pk_out() { cf_value "$1" "$2"; }\n${peakCall(request, paths)}`;
}

/** The peak values of a split gather output; null when the gather did not include the section. */
export function readPeakSection(frame: { values: Record<string, string> }): PeakFact | null {
  return readPeakValues((name) => (Object.hasOwn(frame.values, name) ? frame.values[name] : undefined));
}

/** What advise asks: the file's content only (source and time are not used when nothing is written). */
export const peakReadRequest: PeakRequest = { mode: 'read', source: 'check', atSeconds: 0 };
