/** Pure comparison of what a script read back with what the change intended. */
import type { FileLink } from '../facts/types.js';
import { describeFileType, displayPath, formatMode, linksOf, sameLinks, sha256OfState } from './file-state.js';
import { acceptedValues, mirrorsOf, type KnobChange } from './knob-change.js';
import type { Change } from './change.js';

export interface ValueReadBack {
  key: string;
  path: string;
  /** Trimmed content; null when absent or unreadable (see problem). */
  value: string | null;
  problem?: string;
}

export interface FileReadBack {
  sha256: string;
  mode: number;
  uid: number;
  gid: number;
  /** The symlinks from the path to the file read; [] or absent = the path is a regular file. */
  links?: FileLink[];
}

export type ReadBack =
  | { kind: 'knob'; knob: ValueReadBack; mirrors: ValueReadBack[] }
  | { kind: 'file'; state: FileReadBack | null; problem?: string }
  | { kind: 'module'; loaded: boolean | null; problem?: string };

export interface Verification {
  matches: boolean;
  mismatches: string[];
}

function verifyValue(read: ValueReadBack, expected: string[]): string | null {
  if (read.value !== null && expected.includes(read.value)) return null;
  const seen = read.value ?? (read.problem ? `nothing (${read.problem})` : 'nothing (absent)');
  return `${read.key} read back ${seen}, expected ${expected.join(' or ')}`;
}

function verifyKnob(change: KnobChange, read: Extract<ReadBack, { kind: 'knob' }>): string[] {
  const expected = acceptedValues(change);
  const found = [verifyValue(read.knob, expected)];
  const mirrorCount = mirrorsOf(change).length;
  if (read.mirrors.length < mirrorCount) found.push(`${mirrorCount - read.mirrors.length} mirror(s) not read back`);
  found.push(...read.mirrors.map((mirror) => verifyValue(mirror, expected)));
  return found.filter((m): m is string => m !== null);
}

function verifyFile(change: Extract<Change, { kind: 'file' }>, read: Extract<ReadBack, { kind: 'file' }>): string[] {
  const { after } = change;
  const path = displayPath(change.path, after ?? change.before);
  if (read.problem) return [`${path}: could not be read back (${read.problem})`];
  if (after === null) return read.state === null ? [] : [`${path} still exists, expected absent`];
  if (read.state === null) return [`${path} is absent, expected present`];
  const found: string[] = [];
  // a link replaced by a regular file (or the reverse) keeps the bytes yet changes what boot reads
  const readLinks = read.state.links ?? [];
  if (!sameLinks(readLinks, linksOf(after))) {
    found.push(`${change.path} is ${describeFileType(readLinks)}, expected ${describeFileType(linksOf(after))}`);
  }
  const sha256 = sha256OfState(after);
  if (read.state.sha256 !== sha256) {
    found.push(`${path} content sha256 ${read.state.sha256.slice(0, 12)}…, expected ${sha256.slice(0, 12)}…`);
  }
  if ((read.state.mode & 0o7777) !== (after.mode & 0o7777)) {
    found.push(`${path} mode ${formatMode(read.state.mode)}, expected ${formatMode(after.mode)}`);
  }
  if (read.state.uid !== after.uid || read.state.gid !== after.gid) {
    found.push(`${path} owner ${read.state.uid}:${read.state.gid}, expected ${after.uid}:${after.gid}`);
  }
  return found;
}

function verifyModule(module: string, wantLoaded: boolean, read: Extract<ReadBack, { kind: 'module' }>): string[] {
  if (read.loaded === null)
    return [`${module}: could not tell whether it is loaded (${read.problem ?? 'lsmod failed'})`];
  if (read.loaded === wantLoaded) return [];
  return [wantLoaded ? `${module} is not loaded` : `${module} is still loaded`];
}

function mismatchesOf(change: Change, read: ReadBack): string[] {
  if (change.kind === 'knob' && read.kind === 'knob') return verifyKnob(change, read);
  if (change.kind === 'file' && read.kind === 'file') return verifyFile(change, read);
  if (change.kind === 'module-unload' && read.kind === 'module') return verifyModule(change.module, false, read);
  if (change.kind === 'module-load' && read.kind === 'module') return verifyModule(change.module, true, read);
  return [`read back a ${read.kind}, expected a ${change.kind} result`];
}

/** Does the state read back equal what the change planned? null = nothing was read back. */
export function verifyReadBack(change: Change, read: ReadBack | null): Verification {
  const mismatches = read === null ? ['nothing was read back'] : mismatchesOf(change, read);
  return { matches: mismatches.length === 0, mismatches };
}
