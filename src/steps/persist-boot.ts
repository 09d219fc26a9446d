/**
 * Makes the persisted sysctl block the value that wins at boot: finds lines in files read after the target
 * (sysctl-order.ts), comments them out when they are the user's files under /etc (restored by rollback, which
 * writes the before-bytes back) or refuses with the file:line that wins (the last assignment, sysctl-winner.ts). Also empties managed blocks the target
 * moved away from. Pure.
 */
import { posix } from 'node:path';
import { sysctlDirs } from '../facts/sections/boot-config.js';
import type { BootConfig } from '../facts/types.js';
import { planFileChange, readBytesText } from '../changes/file-state.js';
import { knobIdOf } from './persist-keys.js';
import { blockBegin, disabledPrefix, readBlockEntries, rewriteForeignText, type SysctlEntry } from './sysctl-block.js';
import {
  bootFileOf,
  explainUnread,
  readPositions,
  sysctlConfPath,
  sysctlReadOrder,
  type ReadFile,
} from './sysctl-order.js';
import { bootAssignments, lastAssignments, sameLine, type Assignment } from './sysctl-winner.js';
import type { Change } from './types.js';

export interface BootFix {
  changes: Change[];
  notes: string[];
  refusal?: string;
}

/** A line read after the target that sets a knob the block sets, to another value; `winner` sets that knob last. */
interface Conflict extends Assignment {
  wanted: string;
  winner: Assignment;
}

function sameValue(a: string, b: string): boolean {
  return a.trim().split(/\s+/).join(' ') === b.trim().split(/\s+/).join(' ');
}

/** Only the user's own files: /run is rebuilt at every boot, /usr and /lib belong to packages. */
export function isEditable(file: ReadFile): boolean {
  return file.realPath.startsWith('/etc/') && file.state !== null;
}

function isSysctlFile(file: ReadFile): boolean {
  return file.path === sysctlConfPath || sysctlDirs.includes(posix.dirname(file.path));
}

/** A file for a message: the file that holds the bytes, and the name it is read under when that is a link. */
export function shown(file: ReadFile): string {
  return file.realPath === file.path ? file.path : `${file.realPath} (read as ${file.path})`;
}

/** `FILE:LINE`, in the file that holds the bytes, and the name it is read under when that is a link. */
export function lineAt(file: ReadFile, line: number): string {
  return file.realPath === file.path ? `${file.path}:${line}` : `${file.realPath}:${line} (read as ${file.path})`;
}

function whyKept(file: ReadFile): string {
  if (file.state === null) return 'it could not be read';
  if (file.realPath.startsWith('/run/')) return '/run is rebuilt at every boot: change what writes it';
  return 'it belongs to a package (not under /etc): override it with a later name in /etc/sysctl.d, e.g. `persist: {file: /etc/sysctl.d/99-zz-conntrack-fleet.conf}`';
}

/** Managed blocks in files other than the target (e.g. /etc/sysctl.conf after a switch to sysctl_d). */
export function foreignBlockEntries(config: BootConfig, targetReal: string): SysctlEntry[] {
  return config.files
    .filter((f) => f.state !== null && f.realPath !== targetReal && isSysctlFile(f))
    .flatMap((f) => {
      const entries = readBlockEntries(readBytesText(f.state));
      return 'error' in entries ? [] : entries;
    });
}

/**
 * The lines after the target that keep the block's value from applying at boot. None when the line applied last
 * (sysctl-winner.ts) already sets the wanted value; else every line with another value, the winner among them:
 * once the winner is commented out, the differing line before it would win.
 */
function findConflicts(order: ReadFile[], after: number, targetReal: string, entries: SysctlEntry[], compat: boolean) {
  const wanted = new Map(entries.map((e) => [knobIdOf(e.key) ?? e.key, e.value]));
  const found = bootAssignments(
    order.slice(after + 1).filter((file) => file.realPath !== targetReal),
    compat,
  );
  if (found.unreadable) return { conflicts: [], unreadable: found.unreadable };
  const winners = lastAssignments(found.assignments.filter((a) => wanted.has(a.id)));
  const conflicts: Conflict[] = [];
  for (const assignment of found.assignments) {
    const value = wanted.get(assignment.id);
    const winner = winners.get(assignment.id);
    if (value === undefined || winner === undefined || sameValue(winner.value, value)) continue;
    // sysctl --system reads /etc/sysctl.conf twice (its link, then itself): one conflict per line
    if (sameValue(assignment.value, value) || conflicts.some((c) => sameLine(c, assignment))) continue;
    // a line read twice is named as read last when it is the winner
    conflicts.push({ ...(sameLine(assignment, winner) ? winner : assignment), wanted: value, winner });
  }
  return { conflicts, unreadable: null };
}

function describeConflict(c: Conflict, target: string): string {
  const what = `${lineAt(c.file, c.line)} sets ${c.key} = ${c.value} and is read after ${target} at boot`;
  if (sameLine(c, c.winner)) return `${what}, so it wins over ${c.wanted}`;
  return `${what}; ${lineAt(c.winner.file, c.winner.line)} sets it later, and without that line it would win over ${c.wanted}`;
}

export interface SysctlBootInput {
  config: BootConfig;
  target: string;
  /** The merged block the target will hold. */
  entries: SysctlEntry[];
}

/** Changes to other sysctl files so the block wins at boot, or a refusal naming what wins and why it stays. */
export function planSysctlBoot({ config, target, entries }: SysctlBootInput): BootFix {
  const order = sysctlReadOrder(config, [target]);
  const targetReal = bootFileOf(config, target).realPath;
  const positions = readPositions(order, targetReal);
  if (positions.length === 0 && entries.length > 0)
    return { changes: [], notes: [], refusal: explainUnread(config, target) };
  const found = findConflicts(order, Math.max(-1, ...positions), targetReal, entries, config.compatSysctls);
  if (found.unreadable)
    return {
      changes: [],
      notes: [],
      refusal: `${shown(found.unreadable)} is read after ${target} at boot and could not be read`,
    };
  const keptWinner = found.conflicts.find((c) => !isEditable(c.file) && sameLine(c, c.winner));
  const kept = keptWinner ?? found.conflicts.find((c) => !isEditable(c.file));
  if (kept) return { changes: [], notes: [], refusal: `${describeConflict(kept, target)}; ${whyKept(kept.file)}` };
  const managed = new Set(entries.map((e) => knobIdOf(e.key) ?? e.key));
  const fix: BootFix = {
    changes: [],
    notes: found.conflicts.map((c) => `${describeConflict(c, target)}: commented out`),
  };
  const seen = new Set<string>([targetReal]);
  for (const file of config.files) {
    if (seen.has(file.realPath) || !isEditable(file) || !isSysctlFile(file)) continue;
    seen.add(file.realPath);
    const text = readBytesText(file.state);
    if (
      !text.includes(blockBegin) &&
      !text.includes(disabledPrefix) &&
      !found.conflicts.some((c) => c.file.realPath === file.realPath)
    )
      continue;
    const disableLines = new Set(found.conflicts.filter((c) => c.file.realPath === file.realPath).map((c) => c.line));
    const result = rewriteForeignText({ text, disableLines, isManaged: (key) => managed.has(knobIdOf(key) ?? key) });
    if ('error' in result) return { changes: [], notes: [], refusal: `${shown(file)}: ${result.error}` };
    const change = planFileChange(file.realPath, file.state, result.text);
    if (change) fix.changes.push(change);
  }
  return fix;
}
