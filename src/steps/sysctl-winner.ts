/**
 * Which line sets a knob at boot. sysctl.d(5): the files are applied in read order (sysctl-order.ts) and "later lines
 * override earlier ones", in one file as across files, so the value a knob gets is its LAST assignment in the LAST
 * file that assigns it. A file read twice (`sysctl --system` reads /etc/sysctl.conf through its link and again
 * last) counts where it is read last. Pure.
 */
import { readBytesText } from '../changes/file-state.js';
import { isLiveKey, knobIdOf } from './persist-keys.js';
import { parseAssignment } from './sysctl-block.js';
import type { ReadFile } from './sysctl-order.js';

/** One `key = value` line of a boot file that sets a conntrack knob. `line` counts from 1. */
export interface Assignment {
  file: ReadFile;
  line: number;
  key: string;
  value: string;
  /** The knob it sets (knobIdOf: `max`, `tcp_timeout_established`), whatever name the line uses. */
  id: string;
}

export interface BootAssignments {
  /** In the order systemd-sysctl (or `sysctl --system`) applies them; a file read twice is listed twice. */
  assignments: Assignment[];
  /** The first file in the scanned range that mentions conntrack but could not be read: what it sets is unknown. */
  unreadable: ReadFile | null;
}

/**
 * Every assignment of a conntrack knob in `files`, in the order they are applied. Names the kernel no longer has
 * (ip_conntrack_* without compat sysctls) set nothing and are left out; files that do not mention conntrack too.
 */
export function bootAssignments(files: ReadFile[], compatSysctls: boolean): BootAssignments {
  const assignments: Assignment[] = [];
  for (const file of files) {
    if (!file.mentions) continue;
    if (file.state === null) return { assignments, unreadable: file };
    readBytesText(file.state)
      .split('\n')
      .forEach((text, index) => {
        const entry = parseAssignment(text);
        const id = entry && isLiveKey(entry.key, compatSysctls) ? knobIdOf(entry.key) : null;
        if (entry && id !== null) assignments.push({ file, line: index + 1, key: entry.key, value: entry.value, id });
      });
  }
  return { assignments, unreadable: null };
}

/** Per knob id, the assignment applied last: the one whose value the knob has after boot. */
export function lastAssignments(assignments: Assignment[]): Map<string, Assignment> {
  const last = new Map<string, Assignment>();
  for (const assignment of assignments) last.set(assignment.id, assignment);
  return last;
}

/** The same line of the same bytes (a file read twice through a link gives each line twice). */
export function sameLine(a: Assignment, b: Assignment): boolean {
  return a.file.realPath === b.file.realPath && a.line === b.line;
}
