/**
 * Boot-time order of sysctl files (systemd-sysctl): files sorted by basename across the
 * sysctl.d directories, a basename in an earlier directory masking the same name in later
 * ones; Debian reads /etc/sysctl.conf as /etc/sysctl.d/99-sysctl.conf. A later line wins.
 */
import { posix } from 'node:path';
import type { SysctlSetting } from '../facts/types.js';
import { normalizeSysctlKey, type SysctlEntry } from './sysctl-block.js';

const sysctlDirs = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'];

export interface ReadSlot {
  basename: string;
  /** 0 = /etc (wins over the same basename elsewhere). */
  dirRank: number;
}

/** Where systemd-sysctl reads the file, or null when it does not read it at all. */
export function readSlotOf(path: string): ReadSlot | null {
  if (path === '/etc/sysctl.conf') return { basename: '99-sysctl.conf', dirRank: 0 };
  const dirRank = sysctlDirs.indexOf(posix.dirname(path));
  const basename = posix.basename(path);
  if (dirRank < 0 || !basename.endsWith('.conf')) return null;
  return { basename, dirRank };
}

/** Files that are read at boot: per basename only the one in the highest-ranked directory. */
function findEffectiveFiles(paths: string[]): Set<string> {
  const winners = new Map<string, { path: string; dirRank: number }>();
  for (const path of paths) {
    const slot = readSlotOf(path);
    if (slot === null) continue;
    const seen = winners.get(slot.basename);
    if (seen === undefined || slot.dirRank < seen.dirRank) winners.set(slot.basename, { path, dirRank: slot.dirRank });
  }
  return new Set([...winners.values()].map((w) => w.path));
}

export interface OverrideInput {
  target: string;
  entries: SysctlEntry[];
  /** alias key → the managed key it sets (net.nf_conntrack_max → net.netfilter.nf_conntrack_max). */
  aliases: Record<string, string>;
  settings: SysctlSetting[];
}

function sameValue(a: string, b: string): boolean {
  return a.trim().split(/\s+/).join(' ') === b.trim().split(/\s+/).join(' ');
}

/** Warnings for lines in other files that are read after the target and set a different value. */
export function findOverrides(input: OverrideInput): string[] {
  const targetSlot = readSlotOf(input.target);
  if (targetSlot === null) return [];
  const wanted = new Map(input.entries.map((e) => [e.key, e.value]));
  const effective = findEffectiveFiles([input.target, ...input.settings.map((s) => s.file)]);
  const warnings: string[] = [];
  for (const setting of input.settings) {
    const slot = readSlotOf(setting.file);
    // The same slot is the target itself (or its Debian symlink); its lines are rewritten.
    if (slot === null || slot.basename === targetSlot.basename || !effective.has(setting.file)) continue;
    if (slot.basename < targetSlot.basename) continue;
    const key = normalizeSysctlKey(setting.key);
    const managed = input.aliases[key] ?? key;
    const value = wanted.get(managed);
    if (value === undefined || sameValue(value, setting.value)) continue;
    warnings.push(
      `${setting.file}:${setting.line} sets ${key} = ${setting.value} and is read after ${input.target} at boot, ` +
        `so it wins over ${value}`,
    );
  }
  return warnings;
}

/** A warning when systemd-sysctl would never read the target, else null. */
export function checkTargetRead(target: string, settings: SysctlSetting[]): string | null {
  const slot = readSlotOf(target);
  if (slot === null) return `${target} is not read by systemd-sysctl at boot (not a *.conf file in a sysctl.d directory)`;
  const masking = settings.find((s) => {
    const other = readSlotOf(s.file);
    return other !== null && other.basename === slot.basename && other.dirRank < slot.dirRank;
  });
  return masking ? `${target} is masked by ${masking.file} (same name, read instead of it at boot)` : null;
}
