/** Parses the records of an apply script (apply-script.ts) into one outcome per change. */
import { decodeLinkTokens } from '../facts/link-chain-sh.js';
import { mirrorsOf } from './knob-change.js';
import { describeRemoteFailure, type FailureSubject } from '../remote/remote-error.js';
import { parseRecords, splitFields, type RemoteRecord } from '../remote/records.js';
import type { Change } from './change.js';
import { verifyReadBack, type ReadBack, type ValueReadBack } from './verify.js';

export type ChangeStatus = 'applied' | 'failed' | 'not-run';

/**
 * Why a change did not take, as errors.ts HostErrorKind names it: the kernel refused the write (`kernel-refused`),
 * the write reported success but reads back otherwise (`verify-mismatch`), or another write failed (`apply`).
 */
export type ChangeFailureKind = 'kernel-refused' | 'verify-mismatch' | 'apply';

export interface ChangeOutcome {
  index: number;
  change: Change;
  status: ChangeStatus;
  /** For failed: a human message naming the key or file, the errno text and its likely cause (remote-error.ts). */
  error: string | null;
  readBack: ReadBack | null;
  /** The read back equals the plan (for failed changes too: tells whether anything moved). */
  matches: boolean;
  mismatches: string[];
  /** null when applied and read back as planned, or not run. */
  failureKind: ChangeFailureKind | null;
}

interface RawResult {
  status?: { ok: boolean; error: string | null; kind: ChangeFailureKind | null };
  reads: Map<string, { state: string; rest: string }>;
}

function collectResults(records: RemoteRecord[], changes: Change[]): RawResult[] {
  const results: RawResult[] = changes.map(() => ({ reads: new Map() }));
  for (const record of records) {
    if (record.kind !== 'applied' && record.kind !== 'failed' && record.kind !== 'read') continue;
    const { fields, rest } = splitFields(record.text, 1);
    const index = /^\d+$/.test(fields[0] ?? '') ? Number(fields[0]) : -1;
    const result = results[index];
    if (!result) continue;
    if (record.kind === 'applied') result.status = { ok: true, error: null, kind: null };
    else if (record.kind === 'failed') result.status = failedStatus(rest, changes[index]!);
    else {
      const read = splitFields(rest, 2);
      result.reads.set(read.fields[0] ?? '', { state: read.fields[1] ?? '', rest: read.rest.trim() });
    }
  }
  return results;
}

/** What the change acted on, so the message names it. */
export function failureSubject(change: Change): FailureSubject {
  switch (change.kind) {
    case 'knob':
      return { kind: 'knob', key: change.key, path: change.path };
    case 'file':
      return { kind: 'file', path: change.path };
    default:
      return { kind: 'module', key: change.module };
  }
}

/**
 * kmod prints the kernel's refusal of init_module(2)/delete_module(2) as `could not insert 'M': ERRNO` (modprobe)
 * and `could not remove module M: ERRNO` (rmmod), and refuses on the kernel's own state read from /sys/module
 * (`is in use`, `is builtin`); busybox says `can't insert` / `can't unload`. `Module M not found in directory` or
 * a missing modprobe is not the kernel's answer (kmod tools/modprobe.c, tools/rmmod.c).
 */
const moduleRefusal = /\b[Cc]ould not (?:insert|remove)\b|can't (?:insert|unload)\b|\bis in use\b|\bis builtin\b/;

/**
 * A knob is a kernel file (/proc/sys, /sys/module/…/parameters): whatever errno its write got (EINVAL, EROFS,
 * EOPNOTSUPP, EACCES…) is the kernel's answer. A file write failing is the file system's or our write path's.
 */
export function writeFailureKind(change: Change, stderr: string): ChangeFailureKind {
  if (change.kind === 'knob') return 'kernel-refused';
  if (change.kind === 'file') return 'apply';
  return moduleRefusal.test(stderr) ? 'kernel-refused' : 'apply';
}

/** `failed I CODE TEXT` (apply.sh ctf_result): the record's CODE and TEXT as a status. */
function failedStatus(rest: string, change: Change): NonNullable<RawResult['status']> {
  const { fields, rest: message } = splitFields(rest, 1);
  const error = describeRemoteFailure(message, failureSubject(change), fields[0] || '?');
  return { ok: false, error, kind: writeFailureKind(change, message) };
}

function readValue(raw: RawResult, target: string, key: string, path: string): ValueReadBack {
  const read = raw.reads.get(target);
  if (read === undefined) return { key, path, value: null, problem: 'not read back' };
  if (read.state === 'value') return { key, path, value: read.rest };
  return read.state === 'absent'
    ? { key, path, value: null }
    : { key, path, value: null, problem: read.rest || read.state };
}

/** `<sha256> <mode> <uid> <gid> [<hex link>=<hex target>…]`: the links say the path is (still) a symlink. */
function parseFileState(rest: string): ReadBack {
  const [sha256 = '', mode = '', uid = '', gid = '', ...chain] = rest.split(' ');
  const links = decodeLinkTokens(chain);
  if (!/^[0-9a-f]{64}$/.test(sha256) || !links) return { kind: 'file', state: null, problem: `bad read back: ${rest}` };
  return { kind: 'file', state: { sha256, mode: parseInt(mode, 8), uid: Number(uid), gid: Number(gid), links } };
}

function toReadBack(change: Change, raw: RawResult): ReadBack | null {
  if (change.kind === 'knob') {
    if (!raw.reads.has('knob')) return null;
    const mirrors = mirrorsOf(change).map((m, j) => readValue(raw, `mirror.${j}`, m.key, m.path));
    return { kind: 'knob', knob: readValue(raw, 'knob', change.key, change.path), mirrors };
  }
  const key = change.kind === 'file' ? 'file' : 'module';
  const read = raw.reads.get(key);
  if (read === undefined) return null;
  if (change.kind === 'file') {
    if (read.state === 'absent') return { kind: 'file', state: null };
    if (read.state === 'value') return parseFileState(read.rest);
    return { kind: 'file', state: null, problem: read.rest || read.state };
  }
  if (read.state === 'loaded' || read.state === 'unloaded') return { kind: 'module', loaded: read.state === 'loaded' };
  return { kind: 'module', loaded: null, problem: read.rest || read.state };
}

/** One outcome per change from the output of buildApplyScript(changes, { token }). */
export function parseApplyOutput(stdout: string, changes: Change[], token: string): ChangeOutcome[] {
  const results = collectResults(parseRecords(stdout, token), changes);
  return changes.map((change, index) => {
    const raw = results[index]!;
    if (raw.status === undefined) {
      const notRun = { status: 'not-run', error: null, readBack: null, matches: false, failureKind: null } as const;
      return { index, change, ...notRun, mismatches: ['not run'] };
    }
    const readBack = toReadBack(change, raw);
    const { matches, mismatches } = verifyReadBack(change, readBack);
    const status = raw.status.ok ? 'applied' : 'failed';
    const failureKind = raw.status.kind ?? (matches ? null : 'verify-mismatch');
    return { index, change, status, error: raw.status.error, readBack, matches, mismatches, failureKind };
  });
}

/** The script printed its last record (`end ok|failed`): it was not cut off (timeout, lost connection). */
export function isApplyComplete(stdout: string, token: string): boolean {
  return parseRecords(stdout, token).some((r) => r.kind === 'end' && (r.text === 'ok' || r.text === 'failed'));
}
